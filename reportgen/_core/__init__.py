"""Compiled kernels (built from ``_core/*.pyx``). Import them through :mod:`reportgen.graph`."""
