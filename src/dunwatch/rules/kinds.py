"""Rule kinds: each is one relational query, written once in the SQL that DuckDB and Spark SQL both
accept, over the prepared events `dw_ev` (prelude.py) and labelled events `dw_lab`.

Every kind returns the same columns (COLUMNS), one row per finding:
  rule, debtor, subject, tag, ref      STRING  (what the finding is about; meaning per kind, see findings.py)
  t0, t1                               BIGINT  (window, debtor-local epoch seconds, end exclusive)
  n, x                                 BIGINT  (the count, and a second number where a kind has one)
  ids                                  ARRAY<STRING> of event ids

In dw_ev, party numbers, debts and creditors are interned numbers (prelude.names_sql): a kind groups by
them and hands its rows to `named`, which turns those columns back into strings.

Portability rules kept here: no engine-specific functions; integer day numbers instead of dates;
string literals only from validated parameters (no quotes or backslashes: the engines escape differently).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from dunwatch.case.catalog import CALL_STATUSES, EVENT_KINDS, PARTY_ROLES
from dunwatch.i18n import register, t
from dunwatch.rules.prelude import kinds_in, statuses_in

register({
    "rules.bad_param": ("规则 {rule} 的参数 {param} 无效：{problem}", "rule {rule}: bad parameter {param}: {problem}"),
    "rules.p.count": ("应为 ≥ 0 的整数", "expected a whole number ≥ 0"),
    "rules.p.positive": ("应为 ≥ 1 的整数", "expected a whole number ≥ 1"),
    "rules.p.score": ("应为 0 到 1 之间的数", "expected a number from 0 to 1"),
    "rules.p.clock": ("应为 HH:MM 格式的时间，如 22:00", "expected a time HH:MM such as 22:00"),
    "rules.p.list": ("应为以下值的列表：{allowed}", "expected a list of {allowed}"),
    "rules.p.not_in": ("{value!r} 不是 {allowed} 之一", "{value!r} is not one of {allowed}"),
    "rules.p.choice": ("应为 {allowed} 之一", "expected one of {allowed}"),
    "rules.p.words": ("应为非空的词语列表", "expected a non-empty list of words"),
    "rules.p.quotes": ("词语中不能有引号、反斜杠或换行", "words may not hold quotes, backslashes or line breaks"),
    "rules.p.unknown": ("未知参数（此类规则的参数为 {known}）", "unknown parameter (this kind takes {known})"),
    "rules.p.required": ("缺少此参数", "required"),
})

# Conduct labels produced by dunwatch.conduct (docs/formats.md, labels JSON Lines).
LABELS = ("threat_violence", "threat_legal_false", "impersonation_authority", "insult_abuse",
          "third_party_disclosure", "doxxing_pii", "reputational_smear", "inducement_to_borrow",
          "harassment_pressure", "lawful_reminder")
DAY = 86400
COLUMNS = ("rule", "debtor", "subject", "tag", "ref", "t0", "t1", "n", "x", "ids")
_REQUIRED = object()


class BadParam(Exception):
    pass


# -- parameter checks -------------------------------------------------------------------------
def _bad(rule: str, param: str, problem: str) -> BadParam:
    return BadParam(t("rules.bad_param", rule=rule, param=param, problem=problem))


def count(rule, name, v):
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise _bad(rule, name, t("rules.p.count"))
    return v


def positive(rule, name, v):
    if count(rule, name, v) < 1:
        raise _bad(rule, name, t("rules.p.positive"))
    return v


def score(rule, name, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
        raise _bad(rule, name, t("rules.p.score"))
    return float(v)


def clock(rule, name, v):
    ok = isinstance(v, str) and len(v) == 5 and v[2] == ":" and v[:2].isdigit() and v[3:].isdigit()
    if not ok or int(v[:2]) > 23 or int(v[3:]) > 59:
        raise _bad(rule, name, t("rules.p.clock"))
    return v


def subset(allowed: tuple[str, ...], empty_ok: bool):
    def check(rule, name, v):
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v) or (not v and not empty_ok):
            raise _bad(rule, name, t("rules.p.list", allowed=", ".join(allowed)))
        wrong = [x for x in v if x not in allowed]
        if wrong:
            raise _bad(rule, name, t("rules.p.not_in", value=wrong[0], allowed=", ".join(allowed)))
        return sorted(set(v), key=v.index)
    return check


def choice(*allowed: str):
    def check(rule, name, v):
        if v not in allowed:
            raise _bad(rule, name, t("rules.p.choice", allowed=", ".join(allowed)))
        return v
    return check


def words(rule, name, v):
    if not isinstance(v, list) or not v or not all(isinstance(w, str) and w.strip() for w in v):
        raise _bad(rule, name, t("rules.p.words"))
    if any(c in w for w in v for c in "'\\\r\n"):
        raise _bad(rule, name, t("rules.p.quotes"))
    return list(v)


@dataclass(frozen=True)
class Kind:
    params: dict[str, tuple[Callable, object]]  # name -> (check, default or _REQUIRED)
    sql: Callable[[str, dict], str]
    doc: str  # what it counts, for docs/rules.md
    # The dw_ev columns its SQL reads (prelude.EV_COLUMNS), and whether it reads only collector-side
    # events to the debtor: the engine stores just what a pack's kinds read (engine.prepare).
    reads: frozenset[str]
    debtor_only: bool = False

    def validate(self, rule: str, given: dict) -> dict:
        out = {}
        for name in given:
            if name not in self.params:
                raise _bad(rule, name, t("rules.p.unknown", known=", ".join(self.params) or "-"))
        for name, (check, default) in self.params.items():
            if name in given:
                out[name] = check(rule, name, given[name])
            elif default is _REQUIRED:
                raise _bad(rule, name, t("rules.p.required"))
            else:
                out[name] = default
        return out


# -- SQL helpers ------------------------------------------------------------------------------
def lit(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def secs(hhmm: str) -> int:
    return int(hhmm[:2]) * 3600 + int(hhmm[3:]) * 60


def named(sql: str, *coded: str) -> str:
    """The rows of `sql` (in COLUMNS) with the interned columns `coded` turned back into strings."""
    cols = ", ".join(f"n_{c}.v AS {c}" if c in coded else f"q.{c}" for c in COLUMNS)
    joins = " ".join(f"LEFT JOIN dw_names n_{c} ON n_{c}.k = q.{c}" for c in coded)
    return f"SELECT {cols} FROM ({sql}) q {joins}"


COUNTED = "CAST(count(*) AS BIGINT)"
ZERO = "CAST(0 AS BIGINT)"
IDS = "array_sort(array_agg(id))"
# A connected call with the debtor, whichever side dialled: it proves the debtor was reachable and,
# for Regulation F, is a "telephone conversation".
CONVERSATION = f"{kinds_in(['call'])} AND {statuses_in(['answered'])} AND ((coll AND to_debtor) OR (from_debtor AND dst_coll))"


def _status_filter(statuses: list[str]) -> str:
    return f" AND {statuses_in(statuses)}" if statuses else ""


# -- kinds ------------------------------------------------------------------------------------
def daily_count_sql(rule: str, p: dict) -> str:
    per_creditor = p["per"] == "creditor"
    keys = "debtor, creditor, day" if per_creditor else "debtor, day"
    where = f"coll AND to_debtor AND {kinds_in(p['kinds'])}{_status_filter(p['statuses'])}"
    on = " AND ".join(f"e.{k} = c.{k}" for k in keys.split(", "))
    # Count first, then gather the ids of the few groups over the limit: building a list for every
    # group cost twice as much (cn.bombardment at 5M generated events: 1.24 s against 0.57 s).
    sql = f"""
WITH c AS (SELECT {keys}, count(*) AS n FROM dw_ev WHERE {where} GROUP BY {keys} HAVING count(*) > {p['limit']})
SELECT '{rule}' AS rule, c.debtor, {"c.creditor" if per_creditor else "''"} AS subject, '' AS tag, '' AS ref,
       c.day * {DAY} AS t0, (c.day + 1) * {DAY} AS t1, CAST(max(c.n) AS BIGINT) AS n, {ZERO} AS x,
       array_sort(array_agg(e.id)) AS ids
FROM c JOIN (SELECT * FROM dw_ev WHERE {where}) e ON {on}
GROUP BY {", ".join("c." + k for k in keys.split(", "))}"""
    return named(sql, "debtor", "subject") if per_creditor else named(sql, "debtor")


def time_window_sql(rule: str, p: dict) -> str:
    start, end = secs(p["start"]), secs(p["end"])
    length = (end - start) % DAY or DAY
    # k numbers the periods: period k runs from local day k at `start` for `length` seconds, so a
    # night that crosses midnight is one period.
    return named(f"""
SELECT '{rule}' AS rule, debtor, creditor AS subject, '' AS tag, '' AS ref,
       k * {DAY} + {start} AS t0, k * {DAY} + {start + length} AS t1, {COUNTED} AS n, {ZERO} AS x, {IDS} AS ids
FROM (SELECT debtor, creditor, id, CAST(floor((loc_s - {start}) / {DAY}.0) AS BIGINT) AS k
      FROM dw_ev
      WHERE coll AND to_debtor AND {kinds_in(p['kinds'])} AND (tod - {start} + {DAY}) % {DAY} < {length}) w
GROUP BY debtor, creditor, k""", "debtor", "subject")


def regf_frequency_sql(rule: str, p: dict) -> str:
    days, limit = p["days"], p["limit"]
    countable = f"coll AND (to_debtor OR third) AND {kinds_in(['call'])}{_status_filter(p['statuses'])}"
    # Prong A: count per person called and per debt in every run of `days` consecutive local days;
    # overlapping windows over the limit merge into one finding (gaps and islands).
    prong_a = f"""
WITH c AS (SELECT debtor, dst, debt, id, day FROM dw_ev WHERE {countable}),
d AS (SELECT debtor, dst, debt, day, count(*) AS n FROM c GROUP BY debtor, dst, debt, day),
w AS (SELECT debtor, dst, debt, day,
             CAST(sum(n) OVER (PARTITION BY debtor, dst, debt ORDER BY day
                               RANGE BETWEEN CURRENT ROW AND {days - 1} FOLLOWING) AS BIGINT) AS s
      FROM d),
b AS (SELECT debtor, dst, debt, day, s,
             CASE WHEN lag(day) OVER (PARTITION BY debtor, dst, debt ORDER BY day) >= day - {days - 1}
                  THEN 0 ELSE 1 END AS brk
      FROM w WHERE s > {limit}),
g AS (SELECT debtor, dst, debt, day, s,
             sum(brk) OVER (PARTITION BY debtor, dst, debt ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS grp
      FROM b),
r AS (SELECT debtor, dst, debt, grp, min(day) AS d0, max(day) + {days} AS d1, max(s) AS peak
      FROM g GROUP BY debtor, dst, debt, grp)
SELECT '{rule}' AS rule, r.debtor, r.debt AS subject, 'A' AS tag, r.dst AS ref,
       r.d0 * {DAY} AS t0, r.d1 * {DAY} AS t1, {COUNTED} AS n, max(r.peak) AS x, array_sort(array_agg(c.id)) AS ids
FROM r JOIN c ON c.debtor = r.debtor AND c.dst = r.dst AND c.debt = r.debt AND c.day >= r.d0 AND c.day < r.d1
GROUP BY r.debtor, r.dst, r.debt, r.grp, r.d0, r.d1"""
    prong_a = named(prong_a, "debtor", "subject", "ref")
    # Prong B: after a telephone conversation about a debt on local day c, any countable call to the
    # debtor about that debt later that day up to day c + days - 1 (the conversation's day is day one).
    prong_b = f"""
SELECT '{rule}' AS rule, v.debtor, v.debt AS subject, 'B' AS tag, v.id AS ref,
       v.loc_s AS t0, (v.day + {days}) * {DAY} AS t1, {COUNTED} AS n, {ZERO} AS x, array_sort(array_agg(k.id)) AS ids
FROM (SELECT debtor, debt, id, at_s, loc_s, day FROM dw_ev WHERE {CONVERSATION} AND duration > 0) v
JOIN (SELECT debtor, debt, id, at_s, day FROM dw_ev WHERE {countable} AND to_debtor) k
  ON k.debtor = v.debtor AND k.debt = v.debt AND k.at_s > v.at_s AND k.day <= v.day + {days - 1}
GROUP BY v.debtor, v.debt, v.id, v.loc_s, v.day"""
    prong_b = named(prong_b, "debtor", "subject")
    return f"SELECT * FROM ({prong_a}) a UNION ALL SELECT * FROM ({prong_b}) b"


def _recipient(recipient: str) -> str:
    return {"debtor": "to_debtor", "third": "third", "any": "(to_debtor OR third)"}[recipient]


def labelled_sql(rule: str, p: dict) -> str:
    match = []
    if p["labels"]:
        match.append(f"(label IN ({lit(p['labels'])}) AND score >= {p['min_score']})")
    if p["also_kinds"]:
        match.append(kinds_in(p["also_kinds"]))
    # One finding per event; tag is the first matching label (or the event kind), n how many matched.
    return named(f"""
SELECT '{rule}' AS rule, debtor, creditor AS subject, min(coalesce(label, kind_name)) AS tag, min(dst) AS ref,
       min(loc_s) AS t0, min(loc_s) AS t1, CAST(count(label) AS BIGINT) AS n, {ZERO} AS x,
       array_distinct(array_agg(id)) AS ids
FROM dw_lab
WHERE coll AND {_recipient(p['recipient'])} AND ({' OR '.join(match)})
GROUP BY debtor, creditor, id""", "debtor", "subject", "ref")


def third_party_contact_sql(rule: str, p: dict) -> str:
    lookback = p["lookback_hours"] * 3600
    # The proof of reachability is the latest conversation within the lookback: "epoch|id" sorts by
    # time because epoch seconds have 10 digits from 2001 to 2286.
    # Time is cut into buckets as long as the lookback, so the lookback before a contact lies in its
    # own bucket and the one before: joining on (debtor, bucket) compares each contact with the
    # debtor's conversations of two buckets, not of the whole record (at 10M events: 20M pairs -> 2M).
    return named(f"""
WITH t AS (SELECT id, debtor, dst, day, at_s, CAST(floor(at_s / {lookback}.0) AS BIGINT) AS b
           FROM dw_ev WHERE coll AND third AND {kinds_in(p['kinds'])}),
tp AS (SELECT id, debtor, dst, day, at_s, b FROM t UNION ALL SELECT id, debtor, dst, day, at_s, b - 1 AS b FROM t),
a AS (SELECT debtor, id, at_s, CAST(floor(at_s / {lookback}.0) AS BIGINT) AS b FROM dw_ev WHERE {CONVERSATION}),
m AS (SELECT tp.id, tp.debtor, tp.dst, tp.day, max(CAST(a.at_s AS STRING) || '|' || a.id) AS proof
      FROM tp JOIN a ON a.debtor = tp.debtor AND a.b = tp.b AND a.at_s <= tp.at_s AND a.at_s >= tp.at_s - {lookback}
      GROUP BY tp.id, tp.debtor, tp.dst, tp.day)
SELECT '{rule}' AS rule, debtor, dst AS subject, '' AS tag, max(proof) AS ref,
       day * {DAY} AS t0, (day + 1) * {DAY} AS t1, {COUNTED} AS n, {ZERO} AS x, {IDS} AS ids
FROM m GROUP BY debtor, dst, day""", "debtor", "subject")


def third_party_count_sql(rule: str, p: dict) -> str:
    roles = f" AND dst_role IN ({lit(p['roles'])})" if p["roles"] else ""
    return named(f"""
SELECT '{rule}' AS rule, debtor, dst AS subject, min(dst_role) AS tag, '' AS ref,
       min(loc_s) AS t0, max(loc_s) AS t1, {COUNTED} AS n, {ZERO} AS x, {IDS} AS ids
FROM dw_ev
WHERE coll AND third AND {kinds_in(p['kinds'])}{roles}
GROUP BY debtor, dst
HAVING count(*) > {p['limit']}""", "debtor", "subject")


def text_lexicon_sql(rule: str, p: dict) -> str:
    first = " ".join(f"WHEN instr(text, '{w}') > 0 THEN '{w}'" for w in p["words"])
    # Texts stay in dw_events (prelude): the texts are searched there, and only the few that match
    # are joined to dw_ev (joining every text first took 7 s of 100M events).
    return named(f"""
SELECT '{rule}' AS rule, debtor, creditor AS subject, word AS tag, dst AS ref,
       loc_s AS t0, loc_s AS t1, CAST(1 AS BIGINT) AS n, {ZERO} AS x, array_agg(e.id) AS ids
FROM dw_ev e JOIN (SELECT id, word FROM (SELECT id, CASE {first} END AS word FROM dw_events WHERE text <> '') m
                   WHERE word IS NOT NULL) t ON t.id = e.id
WHERE e.coll
GROUP BY debtor, creditor, word, dst, loc_s, e.id""", "debtor", "subject", "ref")


WRITTEN = ("sms", "mms", "chat", "email", "letter")


def rate_cap_sql(rule: str, p: dict) -> str:
    # The evidence is the loan-cost calculation (dw_costs); the events are the collector's written
    # demands on that debt, i.e. attempts to collect the excess.
    return named(f"""
SELECT '{rule}' AS rule, min(e.debtor) AS debtor, c.debt AS subject, '' AS tag, '' AS ref,
       min(e.loc_s) AS t0, max(e.loc_s) AS t1, CAST(count(e.id) AS BIGINT) AS n, {ZERO} AS x,
       array_sort(array_agg(e.id)) AS ids
FROM dw_costs c LEFT JOIN dw_names d ON d.v = c.debt
LEFT JOIN dw_ev e ON e.debt = d.k AND e.coll AND e.{kinds_in(WRITTEN)}
WHERE c.exceeded
GROUP BY c.debt""", "debtor")


_COMM = subset(EVENT_KINDS, empty_ok=False)
KINDS: dict[str, Kind] = {
    "daily_count": Kind(
        {"limit": (count, _REQUIRED), "kinds": (_COMM, _REQUIRED), "statuses": (subset(CALL_STATUSES, True), []),
         "per": (choice("creditor", "debtor"), "creditor")},
        daily_count_sql,
        "collector contacts to the debtor of the given kinds (and call statuses; empty = all) per debtor-local "
        "calendar day, per creditor (a lender with its agencies) or across all; a finding when the count is above `limit`",
        frozenset("id kind status coll to_debtor debtor creditor day".split()), debtor_only=True),
    "time_window": Kind(
        {"start": (clock, _REQUIRED), "end": (clock, _REQUIRED), "kinds": (_COMM, _REQUIRED)},
        time_window_sql,
        "collector contacts to the debtor of the given kinds (attempts included) at a debtor-local time from `start` "
        "(inclusive) to `end` (exclusive); one finding per period (a night) and creditor",
        frozenset("id kind coll to_debtor debtor creditor loc_s tod".split()), debtor_only=True),
    "regf_frequency": Kind(
        {"limit": (positive, _REQUIRED), "days": (positive, _REQUIRED), "statuses": (subset(CALL_STATUSES, False), _REQUIRED)},
        regf_frequency_sql,
        "calls placed by collectors with the given statuses (connected calls: `failed` is left out), per person called "
        "and per debt. Prong A (facts.prong = \"A\"): more than `limit` in any `days` consecutive local days "
        "(overlapping windows merge into one finding). Prong B (\"B\"): any such call to the debtor after a telephone "
        "conversation about the debt, from the conversation's day (day one) through day `days`",
        frozenset("id kind status coll to_debtor from_debtor dst_coll third debtor dst debt day at_s loc_s duration".split())),
    "labelled": Kind(
        {"labels": (subset(LABELS, True), _REQUIRED), "recipient": (choice("debtor", "third", "any"), "any"),
         "also_kinds": (subset(EVENT_KINDS, True), []), "min_score": (score, 0.5)},
        labelled_sql,
        "events sent by collectors that carry one of the conduct `labels` (score ≥ `min_score`), or are of one of "
        "`also_kinds`, to the debtor, to third parties or to either (`recipient`); one finding per event",
        frozenset("id kind coll to_debtor third debtor creditor dst loc_s".split())),
    "third_party_contact": Kind(
        {"lookback_hours": (positive, _REQUIRED), "kinds": (_COMM, _REQUIRED)},
        third_party_contact_sql,
        "collector contacts with third parties (anyone but the debtor, collectors and authorities) while the debtor "
        "was reachable: a connected call with the debtor happened within `lookback_hours` before; one finding per "
        "third party and local day",
        frozenset("id kind status coll to_debtor from_debtor dst_coll third debtor dst day at_s".split())),
    "third_party_count": Kind(
        {"limit": (count, _REQUIRED), "roles": (subset(PARTY_ROLES, True), []), "kinds": (_COMM, _REQUIRED)},
        third_party_count_sql,
        "collector contacts with each third party (limited to the party `roles` given, empty = any) over the whole "
        "record; a finding when there are more than `limit`",
        frozenset("id kind coll third debtor dst dst_role loc_s".split())),
    "text_lexicon": Kind(
        {"words": (words, _REQUIRED)},
        text_lexicon_sql,
        "collector messages whose text contains one of `words`; one finding per event",
        frozenset("id coll debtor creditor dst loc_s".split())),
    "rate_cap": Kind(
        {},
        rate_cap_sql,
        "debts whose effective annual rate is above the applicable legal cap (dunwatch.loans.case_costs); the events "
        "are the collectors' written demands on that debt",
        frozenset("id kind coll debt debtor loc_s".split())),
}
