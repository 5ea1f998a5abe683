"""`dunwatch classify` and `dunwatch conduct eval`, run as a user would."""

import json
import subprocess
import sys

from conftest import REPO, run_cli


def _classify(stdin: str, *args: str):
    return subprocess.run([sys.executable, "-m", "dunwatch", "--lang", "en", "classify", *args], input=stdin.encode("utf-8"),
                          capture_output=True)


def test_jsonl_in_jsonl_out_with_offsets_into_the_original():
    text = "還 錢！否则上门找你"
    proc = _classify(json.dumps({"id": "m1", "text": text}, ensure_ascii=False) + "\n" + json.dumps({"id": 7, "text": "谢谢"}) + "\n")
    assert proc.returncode == 0, proc.stderr
    first, second = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert first["id"] == "m1" and second == {"id": 7, "labels": [], "pii": []}
    [label] = first["labels"]
    assert label["label"] == "harassment_pressure" and set(label) == {"label", "score", "spans", "detector"}
    assert [text[s:e] for s, e in label["spans"]] == ["上门"]


def test_plain_text_one_message_a_line_from_a_file(tmp_path):
    f = tmp_path / "msgs.txt"
    f.write_text("你个傻逼\n\n您的账单已逾期，请尽快还款。\n", encoding="utf-8")
    proc = run_cli("classify", str(f))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 3]
    assert rows[0]["labels"][0]["label"] == "insult_abuse" and rows[1]["labels"][0]["label"] == "lawful_reminder"


def test_bad_input_is_one_line_naming_the_file_and_line(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": 1, "text": "ok"}\n{"id": 2, "text": 5}\n', encoding="utf-8")
    proc = run_cli("classify", str(f))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [f'dunwatch: error: {f}: line 2 needs a string field "text"']
    proc = _classify('{"id": 1, "text": "ok"\n')
    assert proc.returncode == 2 and b"<stdin>: line 1 is not a valid JSON object" in proc.stderr
    bad = subprocess.run([sys.executable, "-m", "dunwatch", "--lang", "en", "classify"], input=b"ok\n\xff\n", capture_output=True)
    assert bad.returncode == 2 and b"line 2 is not valid UTF-8" in bad.stderr


def test_eval_prints_per_label_precision_recall_and_meets_the_targets():
    proc = run_cli("conduct", "eval", cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for label in ("threat_violence", "lawful_reminder", "harassment_pressure"):
        assert f"`{label}`" in out
    summary = [line for line in out.splitlines() if line.startswith("heldout split")][0]
    macro = float(summary.split("macro-F1 ")[1].split(";")[0])
    rate = float(summary.split("(")[-1].rstrip("%)"))
    assert macro >= 0.85, summary
    assert rate <= 5.0, summary
