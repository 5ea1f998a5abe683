import click

from dunwatch.case import Case
from dunwatch.i18n import lang, t

# Files smaller than this import in a moment; a bar would only flicker.
PROGRESS_FROM_BYTES = 16 << 20


@click.command("import")
@click.argument("case_dir", metavar="CASE", type=click.Path(file_okay=False))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--columns", "mappings", multiple=True, type=click.Path(dir_okay=False),
              help="运营商详单的列映射文件（JSON）/ Column mapping (JSON) for a carrier bill no preset knows")
@click.option("--shot-date", metavar="YYYY-MM-DD",
              help="截图拍摄日期（用于解读“昨天 21:47”等；默认取 EXIF 或文件时间）/ "
                   "Date the screenshots were taken, for \"昨天 21:47\" and the like (default: EXIF or file time)")
@click.option("--asr-model", type=click.Path(file_okay=False), envvar="DUNWATCH_ASR_MODEL",
              help="faster-whisper 语音模型目录，用于转写录音（不会联网下载）/ "
                   "faster-whisper model folder to transcribe recordings (never downloaded)")
@click.option("--owner", metavar="NUMBER",
              help="这些手机导出文件属于谁的手机（默认：案件中的债务人）/ "
                   "Whose phone these exports come from (default: the case's debtor)")
def import_(case_dir, files, mappings, shot_date, asr_model, owner):
    """导入证据文件，按内容识别格式 / Import evidence files; the format is recognised by content.

    读取：SMS Backup & Restore 备份、安卓/iPhone 数据库、vCard 通讯录、运营商详单、events.csv/parties.csv
    （`dunwatch formats` 列出全部）。全部成功才写入；任一文件有误则案件保持原样。

    Reads SMS Backup & Restore XML, Android and iPhone databases, vCard contacts, Chinese carrier
    bills and events.csv/parties.csv (`dunwatch formats` lists them). All files land or none
    does: on any error the case is left exactly as it was.

    \b
    例 / Example:
      dunwatch import mycase sms-20260301.xml calls-20260301.xml contacts.vcf
      dunwatch import mycase 详单.xlsx --columns my-carrier.json
      dunwatch import mycase 截图1.png 截图2.jpg --shot-date 2026-03-06
      dunwatch import mycase 通话录音.m4a --asr-model ~/models/faster-whisper-small
    """
    from dunwatch.ingest import carrier_bill
    from dunwatch.ingest.importer import import_files

    for mapping in mappings:
        carrier_bill.add_mapping(mapping)
    bar = _Progress()

    def announce(path, reader):
        bar.finish()
        title = reader.reads.get(lang(), reader.name)
        click.echo(f"… {path} → {title} [{reader.name}]", err=True)
        bar.expect(path)

    with Case.open(case_dir) as c:
        try:
            results = import_files(c, list(files), on_file=announce, on_progress=bar.update,
                                   options={"shot_date": shot_date, "asr_model": asr_model, "owner": owner},
                                   on_retry=lambda: (bar.finish(), click.echo(t("import.retry_memory"), err=True)))
        finally:
            bar.finish()
        for r in results:
            click.echo(r.message())


class _Progress:
    """A progress bar on stderr for the file being read, shown only for big files."""

    def __init__(self):
        self._bar = None
        self._big = False
        self._done = 0

    def expect(self, path) -> None:
        from pathlib import Path

        self._big = Path(path).stat().st_size >= PROGRESS_FROM_BYTES

    def update(self, done: int, total: int) -> None:
        if not self._big or total <= 0:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, file=click.get_text_stream("stderr"), show_pos=False, width=30)
            self._bar.__enter__()
            self._done = 0
        self._bar.update(max(0, min(done, total) - self._done))
        self._done = min(done, total)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
