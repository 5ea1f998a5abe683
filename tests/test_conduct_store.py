"""Labels and personal data are stored for text events on import, under the import's ledger entry."""

import json
import os
import subprocess

import pytest
from conftest import run_cli, write_events, write_parties

from dunwatch.case import Case
from dunwatch.ingest.importer import import_files

AT = "2026-03-05T10:15:00+08:00"
EVENTS = [
    ("e1", "sms", "+8617100000011", "+8613800000001", AT, "", "", "再不还钱，我们就上门找你。", "L1"),
    # The same words to the debtor and to the debtor's mother: only the second is a disclosure.
    ("e2", "sms", "+8617100000011", "+8613800000001", AT, "", "", "您好，您的借款已逾期，欠款3260元，请尽快还款。", "L1"),
    ("e3", "sms", "+8617100000011", "+8613900000002", AT, "", "", "您好，您的借款已逾期，欠款3260元，请尽快还款。", "L1"),
    ("e4", "call", "+8617100000011", "+8613800000001", AT, "60", "answered", "", "L1"),
    ("e5", "sms", "+8617100000011", "+8613800000001", AT, "", "", "你的身份证号11010519491231002X我们都有", "L1"),
]
PARTIES = [("+8613800000001", "debtor", "张三", "", ""), ("+8613900000002", "contact", "李某", "", "母亲")]


def _import(case_dir, tmp_path):
    with Case.open(case_dir) as c:
        import_files(c, [write_parties(tmp_path / "parties.csv", PARTIES), write_events(tmp_path / "events.csv", EVENTS)])
        labels = c.con.execute("SELECT event_id, label, score, spans, detector, entry FROM labels ORDER BY event_id, label").fetchall()
        pii = c.con.execute("SELECT event_id, type, start_pos, end_pos, detector, entry FROM pii").fetchall()
        entry = c.con.execute("SELECT entry FROM evidence WHERE name = 'events.csv'").fetchone()[0]
    return labels, pii, entry


def test_labels_stored_with_the_import_entry_and_original_offsets(case_dir, tmp_path):
    labels, pii, entry = _import(case_dir, tmp_path)
    by_event = {}
    for event_id, label, score, spans, detector, e in labels:
        assert e == entry and 0 < score <= 1 and detector
        by_event.setdefault(event_id, {})[label] = json.loads(spans)
    assert "e4" not in by_event  # a call without a transcript has no text to label
    text = EVENTS[0][7]
    [[s, t]] = by_event["e1"]["harassment_pressure"]
    assert text[s:t] == "上门"
    assert set(by_event["e2"]) == {"lawful_reminder"}
    assert pii == [("e5", "cn_resident_id", 6, 24, "pii:cn_id_mod11_2", entry)]
    assert "doxxing_pii" in by_event["e5"]


def test_recipient_role_decides_third_party_disclosure(case_dir, tmp_path):
    labels, _, _ = _import(case_dir, tmp_path)
    e3 = {label: detector for event_id, label, _, _, detector, _ in labels if event_id == "e3"}
    assert e3 == {"third_party_disclosure": "parties:recipient_is_contact"}


def test_recipient_role_is_found_by_the_numbers_normal_form_and_the_latest_tag(case_dir, tmp_path):
    # The mother's number written nationally in parties.csv and internationally in events.csv, and
    # the debtor's number tagged twice (contact, then debtor in a later import): the recipient's role
    # comes from the E.164 form, and from the latest tag.
    parties = [("13900000002", "contact", "李某", "", "母亲"), ("13800000001", "contact", "", "", "")]
    with Case.open(case_dir) as c:
        import_files(c, [write_parties(tmp_path / "p1.csv", parties)])
        import_files(c, [write_parties(tmp_path / "p2.csv", [("013800000001", "debtor", "张三", "", "")]),
                         write_events(tmp_path / "events.csv", EVENTS[1:3])])
        labels = c.con.execute("SELECT event_id, label, detector FROM labels ORDER BY event_id, label").fetchall()
    assert labels == [("e2", "lawful_reminder", labels[0][2]),
                      ("e3", "third_party_disclosure", "parties:recipient_is_contact")]


def test_text_only_disclosure_is_dropped_when_the_recipient_is_the_debtor(case_dir, tmp_path):
    events = [("d1", "sms", "+8617100000011", "+8613800000001", AT, "", "", "您的儿子在我司借款逾期未还，请督促他还款。", "")]
    with Case.open(case_dir) as c:
        import_files(c, [write_events(tmp_path / "events.csv", events)])  # recipient unknown: judged from text
        before = {r[0] for r in c.con.execute("SELECT label FROM labels").fetchall()}
    assert "third_party_disclosure" in before
    with Case.open(case_dir) as c:
        import_files(c, [write_parties(tmp_path / "p.csv", PARTIES),
                         write_events(tmp_path / "e2.csv", [("d2",) + events[0][1:]])])
        after = {r[0] for r in c.con.execute("SELECT label FROM labels WHERE event_id = 'd2'").fetchall()}
    assert "third_party_disclosure" not in after


def test_verify_covers_labels_and_detects_their_alteration(case_dir, tmp_path):
    _import(case_dir, tmp_path)
    assert run_cli("verify", str(case_dir)).returncode == 0
    with Case.open(case_dir) as c:
        c.con.execute("UPDATE labels SET score = 0.01 WHERE event_id = 'e1'")
    proc = run_cli("verify", str(case_dir))
    assert proc.returncode != 0 and "data altered" in proc.stdout + proc.stderr


@pytest.mark.parametrize("parallel_from", [10**9, 1], ids=["here", "in-child-processes"])
def test_texts_are_classified_a_chunk_at_a_time_with_the_same_labels(case_dir, tmp_path, monkeypatch, parallel_from):
    # A backup's texts are mostly distinct, so labelling holds one chunk of results in Python at a
    # time, never all of them (memory flat whatever the file), and big imports classify chunks in
    # child processes too. Chunks of 2 texts must store exactly what one chunk stores.
    from dunwatch.conduct import store

    (tmp_path / "whole").mkdir()
    whole = _import(case_dir, tmp_path / "whole")
    monkeypatch.setattr(store, "CHUNK", 2)
    monkeypatch.setattr(store, "PARALLEL_FROM", parallel_from)
    sizes, children = [], []
    classified, popen = store._classified, subprocess.Popen
    if parallel_from == 1:  # (a counting wrapper could not run in a child: it is imported by name)
        monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: children.append(a) or popen(*a, **k))
    else:
        monkeypatch.setattr(store, "_classified", lambda texts: sizes.append(len(texts)) or classified(texts))
    other = tmp_path / "other-case"
    Case.init(other, jurisdiction="cn", tz="Asia/Shanghai").close()
    (tmp_path / "chunked").mkdir()
    assert _import(other, tmp_path / "chunked") == whole
    if parallel_from == 1:
        assert len(children) == min(os.cpu_count() or 1, 2) - 1  # 2 chunks: one child, and this process
    else:
        assert sizes == [2, 1]  # the 3 distinct texts of EVENTS (e2 and e3 say the same)


def _relabel(case_dir, meanwhile):
    """label_events run again for the events import's entry (in a transaction rolled back after),
    with `meanwhile`: what it stored."""
    from dunwatch.conduct.store import label_events

    with Case.open(case_dir) as c:
        seq = c.con.execute("SELECT entry FROM evidence WHERE name = 'events.csv'").fetchone()[0]
        c.con.execute("BEGIN")
        try:
            c.con.execute("DELETE FROM labels WHERE entry = ?", [seq])
            label_events(c.con, seq, meanwhile=meanwhile)
            return c.con.execute("SELECT event_id, label, score, spans, detector, entry FROM labels "
                                 "ORDER BY event_id, label").fetchall()
        finally:
            c.con.execute("ROLLBACK")


def test_texts_are_classified_on_a_thread_while_the_importer_hashes_the_events(case_dir, tmp_path, monkeypatch):
    # The importer hashes the new events for the ledger (`meanwhile`) while the texts are classified
    # on another thread, so the two share the cores: classifying must start while meanwhile still
    # runs, and store the same labels.
    import threading

    from dunwatch.conduct import store

    labels_at_import = _import(case_dir, tmp_path)[0]
    running, started, seen, during = threading.Event(), threading.Event(), [], []
    classified = store._classified
    # Each call notes whether meanwhile is running (waiting for it to start: the thread may start first).
    monkeypatch.setattr(store, "_classified",
                        lambda texts: during.append(running.wait(timeout=30)) or started.set() or classified(texts))

    def meanwhile():
        running.set()
        seen.append((threading.current_thread() is threading.main_thread(), started.wait(timeout=30)))
        running.clear()

    assert _relabel(case_dir, meanwhile) == labels_at_import
    assert seen == [(True, True)]  # run once, here, and classifying began while it ran
    assert during[0] is True


def test_a_failure_meanwhile_stops_classifying_and_reaches_the_caller(case_dir, tmp_path, monkeypatch):
    import time

    from dunwatch.conduct import store

    _import(case_dir, tmp_path)
    monkeypatch.setattr(store, "CHUNK", 1)
    calls = []
    classified = store._classified
    monkeypatch.setattr(store, "_classified", lambda texts: calls.append(texts) or time.sleep(1) or classified(texts))

    def meanwhile():
        raise RuntimeError("hashing failed")

    with pytest.raises(RuntimeError, match="hashing failed"):
        _relabel(case_dir, meanwhile)
    assert len(calls) < 3  # of the 3 chunks (3 distinct texts, one per chunk): it stopped early
