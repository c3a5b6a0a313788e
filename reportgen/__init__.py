"""reportgen: finds the guests welded to their hosts and prices what it costs."""
__version__ = "0.1.0"
