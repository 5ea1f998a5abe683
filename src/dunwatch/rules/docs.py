"""docs/rules.md is generated from the packs, so it cannot drift from them:

    python -m dunwatch.rules.docs > docs/rules.md
"""

from __future__ import annotations

from dunwatch.rules import kinds
from dunwatch.rules.pack import available, load

HEAD = """# dunwatch rules / 规则

Generated from `src/dunwatch/rules/packs/*.toml` by `python -m dunwatch.rules.docs` — edit the packs, not this file.
Rule ids are stable: users and scripts key on them. Findings are described in docs/formats.md.

- **Counting** is in the debtor's time zone (the case's `tz`, or `--tz`), daylight saving included: a
  "day" is a local calendar day (23 or 25 hours on a change), a "night" one local quiet period.
- **Collector-side** events are those sent by numbers attributed to a collector or lender
  (`dunwatch.parties.attribution`: the user's tags, the address book, texts naming the lender,
  the debt an event concerns, shared message templates, labelled conduct), or naming a debt from an
  unknown number. Counts per **creditor** add up all numbers of one lender and its agencies.
- **Third party**: anyone who is not the debtor, not collector-side and not an authority.
- **Confidence** is that of the legal basis in the research notes (`shared/research/cn-rules.md` §7,
  `intl-rules.md` §8): H official text read; M reliable secondary copies; L one secondary source;
  **advisory**: no regulation sets the number — a review flag, not a breach.
- **Severity** is dunwatch's triage order (high: crimes, disclosure, impersonation; medium: conduct
  rules; low: advisory).
- Change a parameter with `dunwatch check … --set RULE.PARAM=VALUE`, or pass your own pack with
  `--pack my-pack.toml` (same format as the bundled ones).
- Known limits: prior consent, agreed collection times, refusals by third parties and Regulation F
  rebuttal factors are not in the events, so they are not modelled; findings on them are presumptions
  to be read with the evidence.
"""


def _params(params: dict) -> str:
    if not params:
        return "—"
    return "<br>".join(f"`{k}` = `{v}`" for k, v in params.items())


def render() -> str:
    out = [HEAD, "## Rule kinds (what is counted)\n"]
    for name, kind in kinds.KINDS.items():
        out.append(f"- `{name}`: {kind.doc}.")
    for pack_id in available():
        pack = load(pack_id)
        out.append(f"\n## Pack `{pack.id}` — {pack.title['en']} / {pack.title['zh-CN']}\n")
        tz = pack.default_tz or "none: give `--tz`"
        out.append(f"Default time zone for plain-file checks: {tz}. Source: {pack.source}.\n")
        for r in pack.rules:
            title, explain = r.title_for(), r.explain_for()
            out.append(f"### `{r.id}`\n")
            out.append(f"**{title['en']}** / {title['zh-CN']}\n")
            out.append(f"{explain['en']}\n\n{explain['zh-CN']}\n")
            out.append("| | |\n|---|---|")
            out.append(f"| kind | `{r.kind}` |")
            out.append(f"| parameters | {_params(r.params)} |")
            out.append(f"| citation | {r.citation} |")
            out.append(f"| confidence | {r.confidence} |")
            out.append(f"| severity | {r.severity} |")
            out.append(f"| research row | {r.research or '—'} |\n")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
