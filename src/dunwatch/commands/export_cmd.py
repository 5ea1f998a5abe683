import click

from dunwatch.case import Case
from dunwatch.i18n import t


@click.command()
@click.argument("case_dir", metavar="CASE", type=click.Path(file_okay=False))
@click.option("--events", "events_out", type=click.Path(dir_okay=False), help="写出 events.csv 的路径 / Where to write events.csv")
@click.option("--parties", "parties_out", type=click.Path(dir_okay=False), help="写出 parties.csv 的路径 / Where to write parties.csv")
def export(case_dir, events_out, parties_out):
    """导出交换文件 / Export the case as interchange files (docs/formats.md).

    \b
    例 / Example:
      dunwatch export mycase --events out-events.csv --parties out-parties.csv
    """
    if not events_out and not parties_out:
        raise click.UsageError("--events / --parties")
    from dunwatch.interchange.export import export as run

    with Case.open(case_dir) as c:
        for path, n in run(c, events=events_out, parties=parties_out).items():
            click.echo(t("export.done", n=n, path=path))
