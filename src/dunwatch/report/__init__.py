"""The dossier (HTML/PDF), charts, complaint letters and the export bundle (`dunwatch report`)."""

from dunwatch.report import messages  # noqa: F401  (registers the report's words with i18n)
from dunwatch.report.build import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]
