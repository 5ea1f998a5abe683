"""Who a number works for, and why: collectors rotate numbers, so rules count per creditor, not per number.

Sources, strongest first (the first that speaks for a number decides; the user's word always wins):
  user      the user's tags and parties files (role collector/lender with org; debtor; contact…)
  address_book  contacts are people the debtor knows, never collectors
  text      the number's messages name a known lender, platform or agency
  debt      the number called or wrote about a debt (events.csv `debt`), which belongs to an org
  template  the number sent the same message template as a number already attributed
  conduct   the number sent messages labelled as collection conduct (threats, insults…) to the debtor
  inferred  (debtor only) no debtor was given: the number most events are addressed to
Every attribution keeps its reason (zh-CN and en) and is written to the case's `attributions` table.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from dunwatch.conduct.labels import label_name
from dunwatch.i18n import both, register

register({
    "attr.user": ("用户标记为{role}{org_part}（{why}）", "tagged by the user as {role}{org_part} ({why})"),
    "attr.contact": ("在通讯录或联系人名单中，不是催收方", "in the address book / contact list: not a collector"),
    "attr.text": ("其信息 {event} 提到了「{org}」", "its message {event} names \"{org}\""),
    "attr.debt": ("就债务 {debt} 来电或发信息（如 {event}）{org_part}", "called or wrote about debt {debt} (e.g. {event}){org_part}"),
    "attr.debt_org": ("，该债务属于「{org}」", ", a debt of \"{org}\""),
    "attr.template": ("发送了与 {other} 相同的信息模板（{event}）", "sent the same message template as {other} ({event})"),
    "attr.conduct": ("向债务人发送了被标记为「{label}」的信息（{event}）", "sent the debtor a message labelled \"{label}\" ({event})"),
    "attr.debtor_inferred": ("未指定债务人：{n}/{m} 条事件发往此号码", "no debtor given: {n} of {m} events are addressed to this number"),
    "attr.org_part": ("（{org}）", " ({org})"),
})

COLLECTOR_ROLES = ("collector", "lender")
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
MIN_TEMPLATE = 8  # characters; shorter texts ("ok", "在吗") say nothing about who sent them


@dataclass(frozen=True)
class Attribution:
    party: str  # normalised number or handle
    org: str
    role: str
    reason: dict  # {"zh-CN": ..., "en": ...}
    source: str

    def as_fact(self) -> dict:
        return {"org": self.org, "role": self.role, "source": self.source, "reason": self.reason}


def template(text: str) -> str:
    return _SPACE.sub(" ", _DIGITS.sub("#", text)).strip()


def _short(org: str) -> str:
    return _PAREN.sub("", org).strip()


def attribute(case) -> list[Attribution]:
    con = case.con
    parties = con.execute("SELECT party_e164, role, org, why FROM parties ORDER BY entry, ord").fetchall()
    events = con.execute(
        "SELECT id, from_e164, to_e164, text, debt FROM events ORDER BY at_utc, entry, ord").fetchall()
    labels = con.execute(
        """SELECT event_id, min(label) FROM labels WHERE label <> 'lawful_reminder' GROUP BY event_id""").fetchall()
    return attribute_rows(parties, events, dict(labels))


def attribute_rows(parties, events, labelled: dict[str, str]) -> list[Attribution]:
    """parties: (number, role, org, why); events: (id, from, to, text, debt) in time order;
    labelled: event id -> a conduct label. Pure function, so it is tested without a case."""
    out: dict[str, Attribution] = {}
    for number, role, org, why in parties:
        if role == "contact":
            out[number] = Attribution(number, org or "", role, both("attr.contact"), "address_book")
        else:
            org_part = both("attr.org_part", org=org) if org else {"zh-CN": "", "en": ""}
            role_name = both(f"role.{role}")
            reason = {lang: both("attr.user", role=role_name[lang], org_part=org_part[lang], why=why or "")[lang]
                      for lang in ("zh-CN", "en")}
            out[number] = Attribution(number, org or "", role, reason, "user")

    debtors = {n for n, a in out.items() if a.role == "debtor"}
    if not debtors and events:
        counts = Counter(e[2] for e in events if e[2])
        if counts:
            top, n = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            out[top] = Attribution(top, "", "debtor", both("attr.debtor_inferred", n=n, m=len(events)), "inferred")
            debtors = {top}

    def free(number: str) -> bool:
        return bool(number) and number not in out and number not in debtors

    orgs = sorted({a.org for a in out.values() if a.role in COLLECTOR_ROLES and a.org}, key=lambda o: (-len(o), o))

    # text: messages naming a known organisation
    for eid, src, _dst, text, _debt in events:
        if text and free(src):
            for org in orgs:
                if org in text or (len(_short(org)) >= 2 and _short(org) in text):
                    out[src] = Attribution(src, org, "collector", both("attr.text", event=eid, org=_short(org) or org), "text")
                    break

    # debt: whose debt it is follows from the numbers already attributed
    debt_org: dict[str, str] = {}
    for _eid, src, dst, _text, debt in events:
        for number in (src, dst):
            a = out.get(number)
            if debt and a and a.role in COLLECTOR_ROLES and a.org:
                debt_org.setdefault(debt, a.org)
    for eid, src, _dst, _text, debt in events:
        if debt and free(src):
            org = debt_org.get(debt, "")
            org_part = both("attr.debt_org", org=org) if org else {"zh-CN": "", "en": ""}
            reason = {lang: both("attr.debt", debt=debt, event=eid, org_part=org_part[lang])[lang] for lang in ("zh-CN", "en")}
            out[src] = Attribution(src, org, "collector", reason, "debt")

    # template: the same message text (digits aside) as an attributed collector's
    known: dict[str, str] = {}
    for eid, src, _dst, text, _debt in events:
        a = out.get(src)
        if text and a and a.role in COLLECTOR_ROLES and len(template(text)) >= MIN_TEMPLATE:
            known.setdefault(template(text), src)
    for eid, src, _dst, text, _debt in events:
        if text and free(src) and len(template(text)) >= MIN_TEMPLATE and template(text) in known:
            other = known[template(text)]
            out[src] = Attribution(src, out[other].org, "collector", both("attr.template", other=other, event=eid), "template")

    # conduct: labelled collection conduct sent to the debtor
    for eid, src, dst, _text, _debt in events:
        if eid in labelled and free(src) and dst in debtors:
            reason = {lang: both("attr.conduct", label=label_name(labelled[eid], lang), event=eid)[lang]
                      for lang in ("zh-CN", "en")}
            out[src] = Attribution(src, "", "collector", reason, "conduct")

    return [out[k] for k in sorted(out)]


def write(case, seq: int, attributions: list[Attribution]) -> None:
    """Rows tagged with the ledger entry `seq` (the caller records the entry)."""
    if attributions:
        case.con.executemany(
            "INSERT INTO attributions VALUES (?, ?, ?, ?, ?, ?)",
            [[a.party, a.org, a.role, json.dumps(a.reason, ensure_ascii=False), a.source, seq] for a in attributions])
