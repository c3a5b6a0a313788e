"""Rendering the report model to HTML and PDF (the only place that knows Jinja and WeasyPrint)."""
