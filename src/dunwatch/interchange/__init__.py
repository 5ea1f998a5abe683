"""The interchange files (docs/formats.md): events.csv, parties.csv and the findings JSON."""

EVENTS_COLUMNS = ("id", "kind", "from", "to", "at", "duration_s", "status", "text", "debt")
PARTIES_COLUMNS = ("party", "role", "name", "org", "relation")
FORMAT_VERSION = "1.0"
