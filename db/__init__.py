"""db: write the database (the only package that writes anything).

    >>> from db import build
    >>> report = build("corpus", "plankb.db")   # doctest: +SKIP
"""

__all__ = ["BuildError", "BuildReport", "build"]


def __getattr__(name: str):
    # The builder (and with it spaCy and the readers) is imported on first use,
    # so that `db.cache.up_to_date` answers without them.
    if name in __all__:
        from db import builder

        return getattr(builder, name)
    raise AttributeError(f"module 'db' has no attribute {name!r}")
