import click

from dunwatch.case import Case, catalog
from dunwatch.i18n import t


@click.group()
def party():
    """当事方 / Parties: numbers and people in a case."""


@party.command()
@click.argument("case_dir", metavar="CASE", type=click.Path(file_okay=False))
@click.argument("number")
@click.option("--role", required=True, type=click.Choice(catalog.PARTY_ROLES), help="身份 / Role")
@click.option("--name", default=None, help="姓名 / Name")
@click.option("--org", default=None, help="机构（平台、催收公司）/ Organisation (platform, agency)")
@click.option("--relation", default=None, help="与债务人的关系 / Relation to the debtor")
def tag(case_dir, number, role, name, org, relation):
    """标记号码身份 / Tag a number with a role; your tag overrules any inferred role.

    \b
    例 / Example:
      dunwatch party tag mycase +8613800138000 --role collector --org "某某催收"
    """
    from dunwatch.parties.tagging import tag_party

    with Case.open(case_dir) as c:
        tag_party(c, number, role, name=name, org=org, relation=relation)
    click.echo(t("party.tagged", party=number, role=t(f"role.{role}")))
