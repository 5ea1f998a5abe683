"""Writes the synthetic demo case's evidence files into data/.

- sms-backup.xml and calls-backup.xml: the borrower's phone, exported the way the Android app
  "SMS Backup & Restore" (SyncTech) writes them (attribute names and units as in
  shared/research/formats-and-anchors.md §2: `date` in epoch ms, call `type` 1/3/5, literal "null");
- contacts-evidence.csv: what the borrower's contacts received (from their own screenshots),
  written as dunwatch's events.csv interchange file;
- parties.csv: who is who.

Everything here is invented: numbers, names and platforms do not belong to anyone. The story
follows the pattern of complaints described in shared research (cn-rules.md §4): an overdue
online loan, calls from rotating numbers many times a day and at night, threats, a claim to be
police, messages to the borrower's contacts, pressure to borrow elsewhere.

Run `python -m dunwatch.demo.generate` to rebuild the files (the output is deterministic).
"""

from __future__ import annotations

import random
from xml.sax.saxutils import escape
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dunwatch.interchange import EVENTS_COLUMNS, PARTIES_COLUMNS
from dunwatch.interchange.csvfile import to_text

CST = timezone(timedelta(hours=8))
DEBTOR = "+8613800000001"
MOTHER = "+8613900000002"
COLLEAGUE = "+8613700000003"
FRIEND = "+8613600000004"
COLLECTORS = ["+8617100000011", "+8617100000012", "+8617000000013", "+8602160000014"]
PLATFORM_SMS = "1069000000015"
DEBT = "loan-demo-1"

PARTIES = [
    (DEBTOR, "debtor", "张三（合成）", "", ""),
    (MOTHER, "contact", "李某（合成）", "", "母亲"),
    (COLLEAGUE, "contact", "王某（合成）", "", "同事"),
    (FRIEND, "contact", "赵某（合成）", "", "朋友"),
    (PLATFORM_SMS, "lender", "", "示例速贷（合成平台）", ""),
]

SMS_TO_DEBTOR = [
    "【示例速贷】您的借款已逾期1天，应还金额3,260.00元，请于今日内通过官方APP还款。",
    "再不还钱，打断你的腿，让你全家出门小心点。",
    "你已经被列入全国征信黑名单，今天不处理明天就立案抓你。",
    "我是市公安局经侦大队的，你涉嫌诈骗，马上联系我们。",
    "你手机里的通讯录我们都有了，不还就给你所有联系人发短信。",
    "没钱就去别的平台借，下个口子我发给你，借新还旧先把我们的还了。",
    "老赖，骗子，你这种人不配活着。",
    "身份证号和照片我们会发到你们公司群里，让大家看看你是什么人。",
]
SMS_TO_CONTACTS = [
    (MOTHER, "您好，您的儿子张三在示例速贷借款逾期未还，欠款3260元，请督促他尽快还款，否则后果自负。"),
    (COLLEAGUE, "你的同事张三欠钱不还，是个老赖，请转告他马上还款。"),
    (FRIEND, "张三把你填成了紧急联系人，他欠我们的钱，你替他还也可以。"),
]


def build(seed: int = 7) -> tuple[list[tuple], list[tuple]]:
    rnd = random.Random(seed)
    events: list[tuple] = []
    day0 = datetime(2026, 3, 2, tzinfo=CST)

    def add(kind, frm, to, at, duration="", status="", text=""):
        events.append([kind, frm, to, at.isoformat(), duration, status, text, DEBT])

    add("sms", PLATFORM_SMS, DEBTOR, day0 + timedelta(hours=9, minutes=5), text=SMS_TO_DEBTOR[0])
    for day in range(6):
        base = day0 + timedelta(days=day)
        # Many calls a day from rotating numbers; some connected, some missed, a few at night.
        hours = sorted(rnd.sample([8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 20], k=5 + day % 3))
        for h in hours:
            status = rnd.choice(["answered", "answered", "missed", "rejected"])
            dur = str(rnd.randint(35, 300)) if status == "answered" else "0"
            add("call", rnd.choice(COLLECTORS), DEBTOR, base + timedelta(hours=h, minutes=rnd.randint(0, 59)), dur, status)
        if day in (1, 3, 4):
            add("call", rnd.choice(COLLECTORS), DEBTOR, base + timedelta(hours=22, minutes=rnd.randint(10, 55)),
                str(rnd.randint(20, 90)), "answered")
        if day in (2, 5):
            add("call", rnd.choice(COLLECTORS), DEBTOR, base + timedelta(hours=6, minutes=rnd.randint(30, 59)), "0", "missed")
        if 1 <= day <= len(SMS_TO_DEBTOR) - 1:
            add("sms", rnd.choice(COLLECTORS), DEBTOR, base + timedelta(hours=12, minutes=rnd.randint(0, 59)), text=SMS_TO_DEBTOR[day])
    for i, (who, text) in enumerate(SMS_TO_CONTACTS):
        at = day0 + timedelta(days=3 + i, hours=10, minutes=15)
        add("call", rnd.choice(COLLECTORS), who, at - timedelta(minutes=30), str(rnd.randint(40, 120)), "answered")
        add("sms", rnd.choice(COLLECTORS), who, at, text=text)
    add("sms", COLLECTORS[1], DEBTOR, day0 + timedelta(days=6, hours=21, minutes=40), text=SMS_TO_DEBTOR[-1])
    events.sort(key=lambda e: e[3])
    return [(f"demo-{i:04d}", *e) for i, e in enumerate(events, 1)], PARTIES


CALL_TYPE = {"answered": "1", "missed": "3", "rejected": "5"}  # Android CallLog.Calls.TYPE


def _ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def _readable(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%b %-d, %Y %H:%M:%S")


def _attrs(pairs: list[tuple[str, str]]) -> str:
    # The app escapes &, <, > and quotes in attributes and writes newlines as &#10;.
    return " ".join(f'{k}="{escape(v, {chr(34): "&quot;", chr(10): "&#10;"})}"' for k, v in pairs)


def sms_backup(events: list[tuple]) -> str:
    """The borrower's SMS (received ones: type 1) as an SMS Backup & Restore file."""
    rows = [e for e in events if e[1] == "sms" and e[3] == DEBTOR]
    lines = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
             f'<smses count="{len(rows)}" backup_set="00000000-0000-4000-8000-000000000001" '
             f'backup_date="{_ms("2026-03-09T20:00:00+08:00")}" type="full">']
    for _id, _kind, frm, _to, at, _d, _s, text, _debt in rows:
        lines.append("  <sms " + _attrs([
            ("protocol", "0"), ("address", frm), ("date", str(_ms(at))), ("type", "1"), ("subject", "null"),
            ("body", text), ("toa", "null"), ("sc_toa", "null"), ("service_center", "null"), ("read", "1"),
            ("status", "-1"), ("locked", "0"), ("date_sent", str(_ms(at) - 2000)), ("sub_id", "1"),
            ("readable_date", _readable(at)), ("contact_name", "(Unknown)")]) + " />")
    lines.append("</smses>")
    return "\n".join(lines) + "\n"


def calls_backup(events: list[tuple]) -> str:
    """The borrower's call log (incoming calls) as an SMS Backup & Restore calls file."""
    rows = [e for e in events if e[1] == "call" and e[3] == DEBTOR]
    lines = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
             f'<calls count="{len(rows)}" backup_set="00000000-0000-4000-8000-000000000002" '
             f'backup_date="{_ms("2026-03-09T20:00:00+08:00")}" type="full">']
    for _id, _kind, frm, _to, at, duration, status, _t, _debt in rows:
        lines.append("  <call " + _attrs([
            ("number", frm), ("duration", duration or "0"), ("date", str(_ms(at))), ("type", CALL_TYPE[status]),
            ("presentation", "1"), ("subscription_id", "1"), ("post_dial_digits", ""),
            ("readable_date", _readable(at)), ("contact_name", "(Unknown)")]) + " />")
    lines.append("</calls>")
    return "\n".join(lines) + "\n"


def files() -> dict[str, bytes]:
    """Every demo evidence file, by name (deterministic)."""
    events, parties = build()
    contacts = [e for e in events if e[3] != DEBTOR]
    return {
        "sms-backup.xml": sms_backup(events).encode("utf-8"),
        "calls-backup.xml": calls_backup(events).encode("utf-8"),
        "contacts-evidence.csv": to_text(EVENTS_COLUMNS, contacts).encode("utf-8"),
        "parties.csv": to_text(PARTIES_COLUMNS, parties).encode("utf-8"),
    }


# A WeChat chat with a collector, as the borrower would screenshot it (rendered, since real
# screenshots cannot be shipped). The file name carries the date the way Android names screenshots.
SCREENSHOT = "Screenshot_20260306-221500.png"
CHAT = [
    ("sep", "今天 21:47"),
    ("left", "张三，今天再不还款，我们就把你的身份证照片发到你老家村里的群。"),
    ("right", "我这个月发工资就还，请不要联系我的家人。"),
    ("left", "你这种老赖不配讲条件，等着坐牢吧。"),
]


def screenshot() -> bytes:
    """The demo's chat screenshot as PNG bytes (needs the CJK font from scripts/debian-runtime.txt)."""
    import io

    from dunwatch.ocr.synthetic import Msg, Sep, render

    items = [Sep(text) if side == "sep" else Msg(side, text) for side, text in CHAT]
    image, _truth = render("wechat", COLLECTORS[2], items, clock="22:15")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def main() -> None:
    out = Path(__file__).with_name("data")
    for name, data in files().items():
        (out / name).write_bytes(data)
    (out / SCREENSHOT).write_bytes(screenshot())


if __name__ == "__main__":
    main()
