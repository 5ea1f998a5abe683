"""Conduct labels and personal data in message texts (see docs/labels.md).

Public interface: `dunwatch.conduct.classify.classify(text)` and `classify_many(items)`;
`dunwatch.conduct.store.label_events(con, seq)` writes the labels of a case's text events.
"""

from dunwatch.conduct.labels import LABELS

__all__ = ["LABELS"]
