"""Compiled modules (built from ``_core/*.pyx``), for two consumers.

- The graph kernels (``components``, ``closure``, ``waves``, ``remediation``): called only
  through :mod:`reportgen.graph`, which validates their inputs and names their results.
- The sheet scanner (``sheetscan``): called only through :mod:`reportgen.importers.xlsx_read`.
"""
