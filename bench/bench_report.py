"""`dunwatch report` on a generated case of BENCH_REPORT_EVENTS events (default 20,000; target
≤ 10 s for the dossier), beside a baseline measured in the same run: the same findings and cited
events rendered as a plain escaped HTML table (no charts, no PDF, no letters).

Setup (not timed): the events are imported from events.csv, classified and checked, as a user would.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import line, measure, out_dir, python  # noqa: E402

from dunwatch.interchange import EVENTS_COLUMNS, PARTIES_COLUMNS  # noqa: E402
from dunwatch.interchange.csvfile import write_rows  # noqa: E402

N = int(os.environ.get("BENCH_REPORT_EVENTS", "20000"))
CST = timezone(timedelta(hours=8))
DEBTOR = "+8613800000001"
CONTACTS = [f"+86139000000{i:02d}" for i in range(6)]
TEXTS = ["【示例贷】您的借款已逾期，请尽快通过官方APP还款。", "再不还钱，明天带人到你单位，打断你的腿。",
         "我是市公安局经侦大队的，你涉嫌诈骗。", "老赖，你这种人不配活着。", "没钱就去别的平台借，借新还旧。",
         "你的家人张三欠钱不还，请转告他马上还款。", "今天之内必须处理。"]


def make_case_files(out: Path) -> tuple[Path, Path]:
    rnd = random.Random(3)
    collectors = [f"+86171{rnd.randrange(10**8):08d}" for _ in range(40)]
    start = datetime(2026, 1, 5, tzinfo=CST)
    rows = []
    for i in range(N):
        at = start + timedelta(seconds=rnd.randrange(120 * 86400))
        to = DEBTOR if rnd.random() < 0.85 else rnd.choice(CONTACTS)
        if rnd.random() < 0.75:
            status = rnd.choice(["answered", "answered", "missed", "rejected"])
            rows.append((f"b{i:06d}", "call", rnd.choice(collectors), to, at.isoformat(),
                         str(rnd.randrange(20, 300)) if status == "answered" else "0", status, "", "loan-1"))
        else:
            rows.append((f"b{i:06d}", "sms", rnd.choice(collectors), to, at.isoformat(), "", "", rnd.choice(TEXTS), "loan-1"))
    rows.sort(key=lambda r: r[4])
    events, parties = out / f"report-events-{N}.csv", out / "report-parties.csv"
    write_rows(events, EVENTS_COLUMNS, rows)
    write_rows(parties, PARTIES_COLUMNS, [(DEBTOR, "debtor", "张三（合成）", "", "")] +
               [(c, "contact", f"联系人{i}（合成）", "", "朋友") for i, c in enumerate(CONTACTS)] +
               [("1069000000015", "lender", "", "示例贷（合成）", "")])
    return events, parties


SETUP = """
import json, sys
from dunwatch.case import Case
from dunwatch.conduct.classify import classify_many
from dunwatch.ingest.importer import import_files
from dunwatch.rules import check_case
case = Case.init(sys.argv[1], jurisdiction="cn", tz="Asia/Shanghai", synthetic=True)
import_files(case, sys.argv[2:])
items = case.con.execute("SELECT id, text FROM events WHERE text <> ''").fetchall()
rows = [[r["id"], l["label"], l["score"], json.dumps(l["spans"]), l["detector"]] for r in classify_many(items) for l in r["labels"]]
with case.transaction():  # what `dunwatch classify` will write
    seq = case.next_seq()
    case.con.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?)", [[*r, seq] for r in rows])
    case.record(seq, "classify", {"events": len(items)})
print(len(check_case(case)))
"""

BASELINE = """
import sys
import jinja2
from dunwatch.case import Case
from dunwatch.rules import latest_findings
with Case.open(sys.argv[1]) as case:
    findings = latest_findings(case)
    ids = list(dict.fromkeys(e for f in findings for e in f["events"]))
    rows = case.con.execute("SELECT id, \\"at\\", kind, from_party, to_party, text, evidence, locator FROM events "
                            "WHERE id IN (SELECT unnest(?)) ORDER BY at_utc", [ids]).fetchall()
html = jinja2.Environment(autoescape=True).from_string(
    "<html><body>{% for f in findings %}<h2>{{ f.title['zh-CN'] }}</h2><p>{{ f.citation }}</p>{% endfor %}"
    "<table>{% for r in rows %}<tr>{% for v in r %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</table></body></html>"
).render(findings=findings, rows=rows)
open(sys.argv[2], "w", encoding="utf-8").write(html)
"""


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU seconds of a child: on a shared, loaded machine wall time overstates the work."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(argv)}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    out = out_dir()
    events, parties = make_case_files(out)
    case = out / "report-case"
    shutil.rmtree(case, ignore_errors=True)
    setup_s, _ = measure(python("-c", SETUP, str(case), str(events), str(parties)))
    print(f"{N:,} events; setup (import, classify, check) {setup_s:.1f} s")
    base_s, base_mb = measure(python("-c", BASELINE, str(case), str(out / "report-baseline.html")))
    s, peak = measure(python("-m", "dunwatch", "report", str(case), "--out", str(out / "report-out")))
    pdf = out / "report-out" / "dossier.pdf"
    cited = sum(1 for _ in open(out / "report-out" / "evidence-list.csv", encoding="utf-8")) - 1
    print(f"cited events {cited:,}; dossier.pdf {pdf.stat().st_size / 1e6:.1f} MB")
    line("report (dossier HTML+PDF, letters): seconds", s, "s", base_s, "plain HTML table", target="<= 10 s")
    line("report: peak memory", peak, "MB", base_mb, "plain HTML table")
    base_cpu = cpu_seconds(python("-c", BASELINE, str(case), str(out / "report-baseline.html")))
    cpu = cpu_seconds(python("-m", "dunwatch", "report", str(case), "--out", str(out / "report-out")))
    line("report: CPU seconds", cpu, "s", base_cpu, "plain HTML table", target="<= 10 s")
    bs, _ = measure(python("-m", "dunwatch", "report", str(case), "--bundle", "--out", str(out / "report-out")))
    line("report --bundle: seconds", bs, "s", base_s, "plain HTML table")
    shutil.rmtree(case, ignore_errors=True)


if __name__ == "__main__":
    main()
