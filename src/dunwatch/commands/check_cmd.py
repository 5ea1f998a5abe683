import json
import unicodedata
from pathlib import Path

import click

from dunwatch.i18n import lang, register, t

register({
    "check.summary": ("{n} 条发现（规则包 {pack}）", "{n} finding(s) (pack {pack})"),
    "check.line": ("[{severity}] {rule} {start}：{title}（{count} 条事件）", "[{severity}] {rule} {start}: {title} ({count} events)"),
    "check.no_labels": ("提示：案件中的文字尚未分类（dunwatch classify），基于文字的规则不会有发现",
                        "note: the case's texts are not classified yet (dunwatch classify); text-based rules find nothing"),
})


def _safe(s: str) -> str:
    """Collectors' texts are hostile: never let control characters reach the terminal."""
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf") else c for c in str(s))


@click.command()
@click.argument("target", metavar="CASE|EVENTS.csv", type=click.Path(exists=True))
@click.option("--parties", "parties", type=click.Path(exists=True, dir_okay=False),
              help="当事方文件（仅用于文件检查）/ parties.csv (plain-file check only)")
@click.option("--pack", default=None, help="规则包：cn、us、uk、in 或 TOML 文件 / Rule pack: cn, us, uk, in or a TOML file "
              "(default: the case's jurisdiction, or cn)")
@click.option("--tz", default=None, help="债务人所在时区（仅用于文件检查）/ Debtor's time zone (plain-file check; default: the pack's)")
@click.option("--set", "sets", multiple=True, metavar="RULE.PARAM=VALUE",
              help="改变规则参数 / Change a rule parameter, e.g. cn.call_frequency.limit=5")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 列表（docs/formats.md）/ Print the findings JSON list")
def check(target, parties, pack, tz, sets, as_json):
    """按规则包检查案件或事件文件 / Check a case, or plain events.csv, against a rule pack.

    检查案件时会把发现和号码归属写入案件并记入账本。
    Checking a case stores the findings and number attributions in it, with a "check" ledger entry.

    \b
    例 / Example:
      dunwatch check mycase
      dunwatch check events.csv --parties parties.csv --pack cn --tz Asia/Shanghai --json
      dunwatch check events.csv --pack us --tz America/New_York --set us.regf.call_frequency.limit=7
    """
    from dunwatch.case import Case
    from dunwatch.rules import check as api
    from dunwatch.rules.findings import severity_name
    from dunwatch.rules.pack import parse_sets

    overrides = parse_sets(sets)
    path = Path(target)
    if path.is_dir():
        with Case.open(path) as c:
            findings = api.check_case(c, pack, overrides)
            unlabelled = c.con.execute("SELECT count(*) FROM labels").fetchone()[0] == 0 and \
                c.con.execute("SELECT count(*) FROM events WHERE text <> ''").fetchone()[0] > 0
            pack_id = pack or c.jurisdiction
        if unlabelled:
            click.echo(t("check.no_labels"), err=True)
    else:
        findings = api.check_files(path, parties, pack or "cn", tz, overrides)
        pack_id = pack or "cn"
    if as_json:
        click.echo(json.dumps(findings, ensure_ascii=False, indent=1))
        return
    for f in findings:
        click.echo(_safe(t("check.line", severity=severity_name(f["severity"], lang()), rule=f["rule"],
                           start=f["window"]["start"] or "-",
                           title=f["title"][lang()], count=len(f["events"]))))
    click.echo(t("check.summary", n=len(findings), pack=pack_id))
