"""Turn the gathered context into files: dossier.html, dossier.pdf, evidence-list.csv, letters.

Every HTML page goes through a Jinja environment with autoescape on, so a collector's text can
never become markup. Plain-text letters cannot carry markup; their environment strips control and
bidi-override characters from every value instead (masking.plain).
"""

from __future__ import annotations

import csv
import functools
import io
import os
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from dunwatch import i18n
from dunwatch.errors import UserError
from dunwatch.report.masking import csv_cell, plain
from dunwatch.report.messages import tr

# Debian's CJK fonts (fonts-noto-cjk, fonts-wqy-zenhei); the first present is embedded in the PDF.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
KINDS = ("call", "sms", "mms", "chat", "voicemail", "email", "letter", "visit", "post")
STATUSES = ("answered", "missed", "rejected", "voicemail", "failed")


def cjk_font() -> Path | None:
    override = os.environ.get("DUNWATCH_CJK_FONT")
    for candidate in ([override] if override else []) + list(CJK_FONTS):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def font_face() -> Markup:
    font = cjk_font()
    if font is None:
        return Markup("")
    # A local file, never a network URL: the dossier is made and read offline.
    return Markup('@font-face { font-family: "DunwatchCJK"; src: url("%s"); }') % Markup(font.as_uri())


def _loader() -> jinja2.BaseLoader:
    return jinja2.PackageLoader("dunwatch.report", "templates")


def _safe(value: object) -> object:
    """Drop control and bidi-override characters from every value before it is escaped."""
    return value if isinstance(value, Markup) else plain(value)


@functools.lru_cache(maxsize=None)
def html_env() -> jinja2.Environment:
    return jinja2.Environment(loader=_loader(), autoescape=True, undefined=jinja2.StrictUndefined,
                              finalize=_safe, trim_blocks=True, lstrip_blocks=True)


@functools.lru_cache(maxsize=None)
def text_env() -> jinja2.Environment:
    return jinja2.Environment(loader=_loader(), autoescape=False, undefined=jinja2.StrictUndefined,
                              finalize=plain, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _asset(name: str) -> Markup:
    return Markup((resources.files("dunwatch.report") / "templates" / name).read_text(encoding="utf-8"))


def dossier_html(ctx: dict, limits: dict) -> str:
    from dunwatch.report.charts import FILL, STROKE

    return html_env().get_template("dossier.html.j2").render(
        **ctx, limits=limits, css=_asset("dossier.css"), chart_css=_asset("charts.css"), font_face=font_face(),
        kind_names={k: tr(f"report.kind.{k}", ctx["lang"]) for k in KINDS},
        status_names={k: tr(f"report.status.{k}", ctx["lang"]) for k in STATUSES}, fill=FILL, stroke=STROKE, tooltips=limits.get("tooltips", False))


def pdf_bytes(html: str) -> bytes:
    if cjk_font() is None:  # without one, every Chinese character would print as a missing-glyph box
        raise UserError(tr("report.no_cjk_font", i18n.lang()))
    try:
        import weasyprint
    except (ImportError, OSError) as e:  # OSError: the Debian pango libraries are missing
        raise UserError(f"weasyprint: {e}".splitlines()[0]) from None
    return weasyprint.HTML(string=html, base_url=".").write_pdf()


def letter_text(letter, lang: str) -> str:
    return text_env().get_template(f"letter.{lang}.txt.j2").render(l=letter, t=lambda key, **kw: tr(key, lang, **kw))


def letter_html(text: str, subject: str, lang: str) -> str:
    return html_env().get_template("letter.html.j2").render(text=text, subject=subject, lang=lang, font_face=font_face())


EVIDENCE_LIST_COLUMNS = ("no", "event", "time", "kind", "from", "to", "status", "duration_s", "text",
                         "evidence_file", "evidence_sha256", "locator", "rules")


def evidence_list_csv(ctx: dict) -> bytes:
    """The numbered evidence list (SPC evidence provisions Art. 19: number and describe each item)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(EVIDENCE_LIST_COLUMNS)
    for i, ev in enumerate(ctx["appendix"], 1):
        w.writerow([i] + [csv_cell(v) for v in (
            ev.id, ev.when, ev.kind, ev.from_party, ev.to_party, ev.status, ev.duration, ev.text,
            ev.evidence_name, ev.evidence, ev.locator, " ".join(ctx["rules_of"].get(ev.id, [])))])
    return buf.getvalue().encode("utf-8")
