import click

from dunwatch.i18n import lang


@click.command()
def formats():
    """列出可导入的格式 / List the formats dunwatch reads, and where each meaning comes from.

    \b
    例 / Example:
      dunwatch formats
    """
    from dunwatch.ingest.registry import READERS

    for r in READERS:
        click.echo(f"{r.name:24} {r.reads.get(lang(), r.name)}")
