import click

from dunwatch.case import Case
from dunwatch.case.folder import JURISDICTIONS
from dunwatch.i18n import t


@click.group()
def case():
    """创建、查看案件 / Create and inspect case folders."""


@case.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--jurisdiction", "-j", type=click.Choice(JURISDICTIONS), default="cn", show_default=True,
              help="适用规则的辖区 / Jurisdiction whose rules apply")
@click.option("--tz", default="Asia/Shanghai", show_default=True, help="债务人所在时区 / Debtor's time zone (IANA name)")
def init(directory, jurisdiction, tz):
    """创建案件目录 / Create a case folder.

    \b
    例 / Example:
      dunwatch case init mycase --jurisdiction cn --tz Asia/Shanghai
    """
    with Case.init(directory, jurisdiction=jurisdiction, tz=tz):
        click.echo(t("case.created", path=directory, j=jurisdiction, tz=tz))


@case.command()
@click.argument("directory", type=click.Path(file_okay=False))
def info(directory):
    """显示案件概况 / Show what a case holds.

    \b
    例 / Example:
      dunwatch case info mycase
    """
    with Case.open(directory) as c:
        s = c.settings
        n_ev = c.con.execute("SELECT count(*) FROM events").fetchone()[0]
        n_pa = c.con.execute("SELECT count(*) FROM parties").fetchone()[0]
        n_fi = c.con.execute("SELECT count(DISTINCT sha256) FROM evidence").fetchone()[0]
        n_le = c.con.execute("SELECT count(*) FROM ledger").fetchone()[0]
        click.echo(t("case.info", j=s["jurisdiction"], tz=s["tz"]))
        if s.get("synthetic"):
            click.echo(t("case.info_synthetic"))
        click.echo(t("case.info_counts", files=n_fi, events=n_ev, parties=n_pa, ledger=n_le))
