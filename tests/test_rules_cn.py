"""The cn pack on small hand-made cases: each rule's counting, boundaries and grouping."""

from __future__ import annotations

from rules_support import A1, A2, B1, DEBTOR, MOTHER, add_labels, by_rule, call, make_case, sms

from dunwatch.rules import check_case
from dunwatch.rules.findings import KEYS


def test_connected_calls_per_day_count_rotating_numbers_of_one_lender_together(tmp_path):
    rows = [call(1, A1, "2026-03-02T09:00:00+08:00"), call(2, A2, "2026-03-02T10:00:00+08:00"),
            call(3, A1, "2026-03-02T11:00:00+08:00"), call(4, A2, "2026-03-02T23:59:00+08:00"),
            call(5, A1, "2026-03-02T12:00:00+08:00", status="missed"),      # not connected
            call(6, A1, "2026-03-03T00:01:00+08:00"),                       # next local day
            call(7, B1, "2026-03-03T09:00:00+08:00"), call(8, B1, "2026-03-03T10:00:00+08:00"),
            call(9, A1, "2026-03-03T11:00:00+08:00"), call(10, A2, "2026-03-03T12:00:00+08:00")]
    with make_case(tmp_path, rows) as case:
        found = by_rule(check_case(case), "cn.call_frequency")
    assert len(found) == 1  # 3 of A + 2 of B on the 3rd: no lender above 3
    f = found[0]
    assert f["events"] == ["ev-001", "ev-002", "ev-003", "ev-004"]
    assert f["facts"]["count"] == 4 and f["facts"]["limit"] == 3 and f["facts"]["day"] == "2026-03-02"
    assert f["facts"]["creditor"] == "甲催收"
    assert f["window"] == {"start": "2026-03-02T00:00:00+08:00", "end": "2026-03-03T00:00:00+08:00"}
    assert list(f) == list(KEYS)
    assert f["confidence"] == "M" and f["severity"] == "medium" and "GB/T 45251-2025" in f["citation"]
    assert {c["number"] for c in f["facts"]["collectors"]} == {A1, A2}


def test_unanswered_attempts_above_six(tmp_path):
    statuses = ["missed", "rejected", "voicemail", "failed", "missed", "missed", "missed"]
    rows = [call(i, A1, f"2026-03-02T{10 + i}:00:00+08:00", status=s) for i, s in enumerate(statuses)]
    rows += [call(20 + i, A1, f"2026-03-03T{10 + i}:00:00+08:00", status="missed") for i in range(6)]
    with make_case(tmp_path, rows) as case:
        found = by_rule(check_case(case), "cn.call_attempts")
    assert [f["facts"]["day"] for f in found] == ["2026-03-02"]
    assert found[0]["facts"]["count"] == 7


def test_quiet_hours_boundaries_and_the_separate_advisory_rule(tmp_path):
    rows = [call(1, A1, "2026-03-02T20:59:00+08:00"), call(2, A1, "2026-03-02T21:00:00+08:00"),
            call(3, A1, "2026-03-02T21:59:59+08:00"), sms(4, A1, "2026-03-02T22:00:00+08:00", "还钱"),
            call(5, A1, "2026-03-03T07:59:00+08:00", status="missed"), call(6, A1, "2026-03-03T08:00:00+08:00"),
            call(7, A1, "2026-03-02T14:00:00Z")]  # 22:00 in Shanghai, written in UTC
    with make_case(tmp_path, rows) as case:
        findings = check_case(case)
    quiet = by_rule(findings, "cn.quiet_hours")
    assert [f["events"] for f in quiet] == [["ev-004", "ev-007", "ev-005"]]  # in time order (4 and 7: same instant)
    assert quiet[0]["window"] == {"start": "2026-03-02T22:00:00+08:00", "end": "2026-03-03T08:00:00+08:00"}
    advisory = by_rule(findings, "cn.quiet_hours_advisory")
    assert [f["events"] for f in advisory] == [["ev-002", "ev-003"]]
    assert advisory[0]["confidence"] == "advisory" and advisory[0]["severity"] == "low"
    assert advisory[0]["title"]["en"].startswith("[Advisory]")


def test_contacts_called_while_the_debtor_was_reachable(tmp_path):
    rows = [call(1, A1, "2026-03-02T09:00:00+08:00"),                         # debtor answers
            call(2, A1, "2026-03-02T11:00:00+08:00", to=MOTHER),              # 2 h later: reachable
            call(3, A1, "2026-03-05T11:00:00+08:00", to=MOTHER),              # 3 days later: not shown reachable
            call(4, A2, "2026-03-05T10:00:00+08:00", status="missed")]
    with make_case(tmp_path, rows) as case:
        found = by_rule(check_case(case), "cn.contacts_harassed")
    assert len(found) == 1
    assert found[0]["events"] == ["ev-001", "ev-002"]
    assert found[0]["facts"]["debtor_reached"] == "ev-001" and found[0]["facts"]["relation"] == "母亲"


def test_reachability_lookback_is_exact_at_its_edges_and_proves_with_the_latest_conversation(tmp_path):
    # The engine compares contacts with conversations in time buckets as long as the lookback
    # (kinds.third_party_contact_sql): these edges cross bucket boundaries (00:00 UTC = 08:00 here).
    rows = [call(1, A1, "2026-03-02T11:00:00+08:00"),                          # debtor answers
            call(2, A1, "2026-03-03T11:00:00+08:00", to=MOTHER),               # exactly 24 h later: reachable
            call(3, A1, "2026-03-04T08:00:00+08:00"),                          # debtor answers
            call(4, A1, "2026-03-05T08:00:01+08:00", to=MOTHER),               # 24 h and 1 s later: not shown
            call(5, A1, "2026-03-06T07:00:00+08:00"), call(6, A2, "2026-03-06T09:00:00+08:00"),
            call(7, A1, "2026-03-06T10:00:00+08:00", to=MOTHER)]               # both within 24 h: the latest proves
    with make_case(tmp_path, rows) as case:
        found = by_rule(check_case(case), "cn.contacts_harassed")
    assert [(f["window"]["start"][:10], f["facts"]["debtor_reached"]) for f in found] == [("2026-03-03", "ev-001"),
                                                                                         ("2026-03-06", "ev-006")]
    assert [f["events"] for f in found] == [["ev-001", "ev-002"], ["ev-006", "ev-007"]]
    # The proving call's time comes from the events the findings cite (rules/check.context).
    assert [f["facts"]["debtor_reached_at"] for f in found] == ["2026-03-02T11:00:00+08:00", "2026-03-06T09:00:00+08:00"]


def test_text_rules_follow_conduct_labels_sender_and_recipient(tmp_path):
    rows = [sms(1, A1, "2026-03-02T09:00:00+08:00", "再不还钱就上门找你全家"),
            sms(2, A1, "2026-03-02T09:05:00+08:00", "您的儿子欠款3260元", to=MOTHER),
            sms(3, A1, "2026-03-02T09:10:00+08:00", "你欠款3260元未还"),          # disclosure label, but to the debtor
            sms(4, DEBTOR, "2026-03-02T09:20:00+08:00", "你们再打我就报警", to=A1),  # the debtor's own text
            sms(5, A2, "2026-03-02T09:30:00+08:00", "我是公安局的"),
            sms(6, A2, "2026-03-02T09:40:00+08:00", "下个口子借了还我们")]
    with make_case(tmp_path, rows) as case:
        add_labels(case, [("ev-001", "threat_violence", 0.9), ("ev-002", "third_party_disclosure", 0.8),
                          ("ev-003", "third_party_disclosure", 0.8), ("ev-004", "threat_violence", 0.9),
                          ("ev-005", "impersonation_authority", 0.4),  # below the score threshold
                          ("ev-006", "inducement_to_borrow", 0.7)])
        findings = check_case(case)
    events = {rule: [f["events"] for f in by_rule(findings, rule)] for rule in
              ("cn.threats", "cn.disclosure", "cn.impersonation", "cn.borrow_to_repay")}
    assert events == {"cn.threats": [["ev-001"]], "cn.disclosure": [["ev-002"]], "cn.impersonation": [],
                      "cn.borrow_to_repay": [["ev-006"]]}
    threat = by_rule(findings, "cn.threats")[0]
    assert threat["facts"]["labels"] == [{"label": "threat_violence", "score": 0.9, "detector": "test"}]
    assert threat["window"]["start"] == threat["window"]["end"] == "2026-03-02T09:00:00+08:00"
    assert threat["severity"] == "high" and threat["confidence"] == "H"


def test_extra_fees_and_private_channels_from_the_pack_word_list(tmp_path):
    rows = [sms(1, A1, "2026-03-02T09:00:00+08:00", "今天把钱转到个人账户，另收催收费200元"),
            sms(2, A1, "2026-03-02T10:00:00+08:00", "请通过官方APP还款")]
    with make_case(tmp_path, rows) as case:
        found = by_rule(check_case(case), "cn.extra_fees")
    assert [(f["events"], f["facts"]["word"]) for f in found] == [(["ev-001"], "催收费")]


def test_without_parties_the_debtor_is_inferred_and_said_so(tmp_path):
    rows = [call(i, A1, f"2026-03-02T{10 + i}:00:00+08:00", debt="loan-1") for i in range(4)]
    with make_case(tmp_path, rows, parties=None) as case:
        found = by_rule(check_case(case), "cn.call_frequency")
    assert len(found) == 1
    assert found[0]["facts"]["debtor"] == DEBTOR and found[0]["facts"]["debtor_inferred"] is True
    assert found[0]["facts"]["debt"] == "loan-1"
    assert found[0]["facts"]["collectors"][0]["source"] == "debt"


def test_a_pack_parameter_changes_the_count(tmp_path):
    rows = [call(i, A1, f"2026-03-02T{10 + i}:00:00+08:00") for i in range(3)]
    with make_case(tmp_path, rows) as case:
        assert by_rule(check_case(case), "cn.call_frequency") == []
        found = by_rule(check_case(case, overrides={"cn.call_frequency": {"limit": 2}}), "cn.call_frequency")
    assert found[0]["facts"]["limit"] == 2 and found[0]["title"]["en"] == "More than 2 connected collection calls in a day"
