"""Importers: one reader per source format, recognised by content. See registry.READERS."""
