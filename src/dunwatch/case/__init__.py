"""The case folder: evidence store, catalog and hash-chained ledger."""

from dunwatch.case.folder import Case

__all__ = ["Case"]
