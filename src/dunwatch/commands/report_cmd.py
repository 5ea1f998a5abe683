import click

from dunwatch import i18n
from dunwatch.case import Case


@click.command()
@click.argument("case_dir", metavar="CASE", type=click.Path(file_okay=False))
@click.option("--lang", "doc_lang", type=click.Choice(i18n.LANGS), default=None,
              help="材料和投诉信的语言（默认中文）/ Language of the dossier and letters (default zh-CN)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="输出目录（默认每次新建 CASE/dossier/<UTC 时间>）/ Output folder (default: a new CASE/dossier/<UTC time> each run)")
@click.option("--bundle", is_flag=True,
              help="另打包 zip：材料、投诉信、被引用的原始证据、SHA-256 清单 / Also write a zip with the dossier, letters, cited originals and SHA-256 manifest")
def report(case_dir, doc_lang, out_dir, bundle):
    """生成证据材料和投诉信 / Write the dossier (HTML + PDF) and complaint letters.

    材料包括一页摘要、图表、每项问题的证明事件和证据清单；每个投诉渠道一封信。
    The dossier has a one-page summary, charts, the events proving each finding and an evidence
    list; there is one letter per complaint channel of the case's jurisdiction.

    每次生成都写入新文件夹 CASE/dossier/<UTC 时间>，以前的材料不会被覆盖；文件夹名越大越新。
    Each run writes a new folder CASE/dossier/<UTC time>, so earlier dossiers are kept; the latest
    sorts last.

    \b
    例 / Example:
      dunwatch report mycase
      dunwatch report mycase --lang en --out mycase-report --bundle
    """
    from dunwatch.report import build_report
    from dunwatch.report.messages import tr

    lang = doc_lang or i18n.lang()
    with Case.open(case_dir) as c:
        r = build_report(c, out_dir, lang=lang, bundle=bundle)
    ui = i18n.lang()
    click.echo(tr("report.folder", ui, path=r.out.resolve()))
    click.echo(tr("report.written", ui, what="dossier.html", path=r.html.resolve()))
    click.echo(tr("report.written", ui, what="dossier.pdf", path=r.pdf.resolve()))
    click.echo(tr("report.written", ui, what="evidence-list.csv", path=r.evidence_list.resolve()))
    if r.letters:
        click.echo(tr("report.letters_written", ui, n=len([p for p in r.letters if p.suffix == ".txt"]),
                      path=r.letters[0].parent.resolve()))
    else:
        click.echo(tr("report.no_letters", ui, j=c.jurisdiction))
    if r.bundle:
        click.echo(tr("report.written", ui, what=r.bundle.name, path=r.bundle.resolve()))
