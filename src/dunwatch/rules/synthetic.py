"""A generated audit data set in the engine's input shape (dw_events, dw_parties, dw_labels, dw_costs).

For the Spark parity test and bench/bench_rules.py: realistic enough to make every rule kind fire —
agencies with rotating agent numbers, debtors with debts and three contacts each, a three-week
campaign per debtor, mostly daytime calls with some evenings and nights, the usual call outcomes,
some texts (a few labelled, a few asking for payment to a personal account), visits and posts.
Deterministic: the same size and seed give the same rows. Synthetic: no real person.
"""

from __future__ import annotations

AGENTS_PER_AGENCY = 20
DEBTORS_PER_AGENCY = 5000
BASE = 1772323200  # 2026-03-01T00:00 as local wall-clock epoch; campaign days span the 2026 US DST change


def generate(con, events: int, debtors: int, seed: int = 1, utc_offset_h: int = 8) -> None:
    """Create the four input tables in DuckDB connection `con` (replacing any that exist)."""
    agencies = max(2, debtors // DEBTORS_PER_AGENCY)
    s = int(seed) * 1_000_003
    h = lambda k: f"hash(i * 8191 + {s + k})"  # noqa: E731  an independent pseudo-random stream per k
    con.execute(f"""
CREATE OR REPLACE TABLE dw_events AS
WITH b AS (
  SELECT i, CAST({h(1)} % {debtors} AS BIGINT) AS dn, CAST({h(2)} % 100 AS INTEGER) AS r_kind,
         CAST({h(3)} % 1000 AS INTEGER) AS r_hour, CAST({h(4)} % 100 AS INTEGER) AS r_status,
         CAST({h(5)} % 100 AS INTEGER) AS r_dst, CAST({h(6)} % 3600 AS INTEGER) AS r_sec,
         CAST({h(7)} % 21 AS INTEGER) AS r_day, CAST({h(8)} % {AGENTS_PER_AGENCY} AS INTEGER) AS r_agent,
         CAST({h(9)} % 100 AS INTEGER) AS r_text
  FROM range({events}) t(i)),
c AS (
  SELECT *,
    CASE WHEN r_kind < 88 THEN 'call' WHEN r_kind < 98 THEN 'sms' WHEN r_kind < 99 THEN 'chat'
         WHEN r_dst < 50 THEN 'visit' ELSE 'post' END AS kind,
    -- hour of day: 3% at night (22:00-07:59), 4% 21:00-21:59, the rest 08:00-20:59
    CASE WHEN r_hour < 30 THEN (22 + r_hour % 10) % 24 WHEN r_hour < 70 THEN 21 ELSE 8 + r_hour % 13 END AS hour,
    CAST(hash(dn + {s}) % 60 AS INTEGER) + r_day AS day
  FROM b)
SELECT 'e' || CAST(i AS VARCHAR) AS id, kind,
       '+8617' || lpad(CAST((dn % {agencies}) * {AGENTS_PER_AGENCY} + r_agent AS VARCHAR), 9, '0') AS src,
       CASE WHEN r_dst < 94 OR kind IN ('visit', 'post') THEN '+8613' || lpad(CAST(dn AS VARCHAR), 9, '0')
            ELSE '+8615' || lpad(CAST(dn * 3 + r_dst % 3 AS VARCHAR), 9, '0') END AS dst,
       CAST({BASE} + day * 86400 + hour * 3600 + r_sec - {utc_offset_h} * 3600 AS BIGINT) AS at_s,
       CASE WHEN kind <> 'call' THEN NULL WHEN r_status < 40 THEN CAST(10 + r_sec % 300 AS DOUBLE) ELSE 0.0 END AS duration,
       CASE WHEN kind <> 'call' THEN '' WHEN r_status < 40 THEN 'answered' WHEN r_status < 70 THEN 'missed'
            WHEN r_status < 85 THEN 'rejected' WHEN r_status < 93 THEN 'voicemail' ELSE 'failed' END AS status,
       CASE WHEN dn % 5 = 0 AND r_text < 30 THEN 'd' || CAST(dn AS VARCHAR) || 'b' ELSE 'd' || CAST(dn AS VARCHAR) END AS debt,
       CASE WHEN kind NOT IN ('sms', 'chat') THEN '' WHEN r_text < 3 THEN '请把钱转到个人账户，今天处理'
            ELSE '您的借款已逾期，请尽快通过官方渠道还款。' END AS text
FROM c""")
    con.execute(f"""
CREATE OR REPLACE TABLE dw_parties AS
SELECT '+8613' || lpad(CAST(i AS VARCHAR), 9, '0') AS party, 'debtor' AS role, '' AS org FROM range({debtors}) t(i)
UNION ALL
SELECT '+8615' || lpad(CAST(i AS VARCHAR), 9, '0'), 'contact', '' FROM range({debtors * 3}) t(i)
UNION ALL
SELECT '+8617' || lpad(CAST(i AS VARCHAR), 9, '0'), 'collector', 'agency-' || CAST(i // {AGENTS_PER_AGENCY} AS VARCHAR)
FROM range({agencies * AGENTS_PER_AGENCY}) t(i)""")
    labels = "['threat_violence', 'threat_legal_false', 'impersonation_authority', 'insult_abuse', " \
             "'third_party_disclosure', 'doxxing_pii', 'reputational_smear', 'inducement_to_borrow', " \
             "'harassment_pressure', 'lawful_reminder']"
    con.execute(f"""
CREATE OR REPLACE TABLE dw_labels AS
SELECT id AS event_id, {labels}[1 + CAST(hash(id) % 10 AS INTEGER)] AS label,
       CASE WHEN hash(id || 's') % 5 = 0 THEN 0.3 ELSE 0.9 END AS score
FROM dw_events WHERE kind IN ('sms', 'chat') AND hash(id || 'l') % 8 = 0 AND dst NOT LIKE '+8615%'
UNION ALL
-- texts to contacts: disclosure, personal data, smears
SELECT id, ['third_party_disclosure', 'doxxing_pii', 'reputational_smear'][1 + CAST(hash(id) % 3 AS INTEGER)], 0.9
FROM dw_events WHERE kind IN ('sms', 'chat') AND hash(id || 'l') % 2 = 0 AND dst LIKE '+8615%'""")
    con.execute(f"""
CREATE OR REPLACE TABLE dw_costs AS
SELECT 'd' || CAST(i AS VARCHAR) AS debt, i % 2 = 0 AS exceeded
FROM range(0, {debtors}, 97) t(i)""")
