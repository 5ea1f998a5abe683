"""The case folder: evidence store, catalog and hash-chained ledger."""

__all__ = ["Case"]


def __getattr__(name: str):
    # Case (and with it DuckDB, 35 MB) is loaded on first use, not by every import of a submodule:
    # the import's reader process (ingest/parse_worker.py) needs case.arrow_input and never a case.
    if name == "Case":
        from dunwatch.case.folder import Case

        return Case
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
