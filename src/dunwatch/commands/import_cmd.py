import click

from dunwatch.case import Case
from dunwatch.i18n import lang


@click.command("import")
@click.argument("case_dir", metavar="CASE", type=click.Path(file_okay=False))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def import_(case_dir, files):
    """导入证据文件，按内容识别格式 / Import evidence files; the format is recognised by content.

    全部成功才写入；任一文件有误则案件保持原样。
    All files land or none does: on any error the case is left exactly as it was.

    \b
    例 / Example:
      dunwatch import mycase events.csv parties.csv
    """
    from dunwatch.ingest.importer import import_files

    def announce(path, reader):
        title = reader.reads.get(lang(), reader.name)
        click.echo(f"… {path} → {title}", err=True)

    with Case.open(case_dir) as c:
        for r in import_files(c, list(files), on_file=announce):
            click.echo(r.message())
