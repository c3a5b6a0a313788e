"""Build the Cython core (``_core/*.pyx`` -> ``reportgen._core.*``) and ship ``templates/``.

All static metadata lives in pyproject.toml; this file only knows about extensions and the
templates package, which sits outside ``reportgen/`` in the source tree.
"""

from __future__ import annotations

import os
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

HERE = Path(__file__).parent


def core_extensions() -> list[Extension]:
    """One extension per ``_core/*.pyx`` file, compiled into ``reportgen._core``."""
    trace = os.environ.get("REPORTGEN_CYTHON_TRACE") == "1"
    macros = [("CYTHON_TRACE_NOGIL", "1")] if trace else []
    extensions = [
        Extension(
            f"reportgen._core.{pyx.stem}",
            [f"_core/{pyx.name}"],
            define_macros=macros,
            extra_compile_args=["-O3"],
            language="c++",
        )
        for pyx in sorted((HERE / "_core").glob("*.pyx"))
    ]
    # Each .pyx states its own directives in its first line (bounds checks off where graph.py or the
    # importer validated the input); only line tracing, for coverage runs, is set here.
    return cythonize(extensions, include_path=["_core"], compiler_directives={"linetrace": trace})


setup(
    ext_modules=core_extensions(),
    packages=[
        "reportgen",
        "reportgen._core",
        "reportgen.importers",
        "reportgen.collector",
        "reportgen.rules",
        "reportgen.report",
        "reportgen.render",
        "reportgen.outputs",
        "reportgen.schemas",
        "reportgen.templates",
    ],
    package_dir={"reportgen.templates": "templates"},
    package_data={
        "reportgen": ["py.typed", "*.ps1", "*.json", "*.toml"],
        "reportgen._core": ["*.pyi"],
        "reportgen.schemas": ["*.json"],
        "reportgen.collector": ["*.ps1"],
        "reportgen.templates": ["*.html", "*.css", "*.svg", "*.js", "**/*.html"],
    },
)
