"""db: write the database (the only package that writes anything).

    >>> from db import build
    >>> report = build("corpus", "plankb.db")   # doctest: +SKIP
"""

from db.builder import BuildError, BuildReport, build

__all__ = ["BuildError", "BuildReport", "build"]
