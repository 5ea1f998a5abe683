"""The `dunwatch` command: thin commands over the Python API (one command = one API call + output).

Commands live in small modules and are loaded only when used, so `dunwatch --help` stays fast
and a command's heavy dependencies (Spark, OCR) are imported only by that command.
User errors print one line on stderr and exit with 2; they never show a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from dunwatch import i18n
from dunwatch.errors import UserError
from dunwatch.process import arrow_gives_memory_back, without_pandas

# name -> (module, attribute, one-line purpose in zh-CN / en)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "case": ("dunwatch.commands.case_cmd", "case", "创建、查看案件 / Create and inspect case folders"),
    "import": ("dunwatch.commands.import_cmd", "import_", "导入证据文件（自动识别格式）/ Import evidence files (format recognised by content)"),
    "export": ("dunwatch.commands.export_cmd", "export", "导出事件和当事方交换文件 / Export events.csv and parties.csv"),
    "verify": ("dunwatch.commands.verify_cmd", "verify", "核验证据哈希与账本链 / Verify evidence hashes and the ledger chain"),
    "party": ("dunwatch.commands.party_cmd", "party", "标记号码的身份（催收方、联系人…）/ Tag a number's role (collector, contact…)"),
    "formats": ("dunwatch.commands.formats_cmd", "formats", "列出可导入的文件格式 / List the file formats dunwatch can import"),
    "classify": ("dunwatch.commands.classify_cmd", "classify", "给消息打催收行为标签 / Label message texts with conduct labels"),
    "conduct": ("dunwatch.commands.conduct_cmd", "conduct", "评估、训练行为分类器 / Measure and retrain the conduct classifier"),
    "apr": ("dunwatch.commands.apr_cmd", "apr", "借款的真实年化成本及法定上限 / The true annual cost of a loan, against the legal caps"),
    "loan": ("dunwatch.commands.loan_cmd", "loan", "把借款记入案件并计算成本 / Add a debt to a case and show its cost"),
    "check": ("dunwatch.commands.check_cmd", "check", "按规则包检查催收行为 / Check events against a jurisdiction's rule pack"),
    "demo": ("dunwatch.commands.demo_cmd", "demo", "用内置合成演示案件跑完整流程 / Run the whole flow on the bundled synthetic demo case"),
    "report": ("dunwatch.commands.report_cmd", "report", "生成证据材料（HTML/PDF）和投诉信 / Write the dossier (HTML/PDF) and complaint letters"),
    "serve": ("dunwatch.commands.serve_cmd", "serve", "启动本机网页界面（仅本机访问）/ Start the local web app (127.0.0.1 only)"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands / 命令"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--lang", type=click.Choice(i18n.LANGS), default=None,
              help="界面语言 / Language of messages (default: zh-CN, or en for an English locale)")
@click.version_option(package_name="dunwatch")
def cli(lang):
    """dunwatch：把催收通话、短信、截图变成可核验的证据和投诉材料。

    dunwatch: turn phone evidence of debt collection into verifiable proof and complaints.

    \b
    例 / Example:
      dunwatch case init mycase --jurisdiction cn --tz Asia/Shanghai
      dunwatch import mycase sms-backup.xml calls.xml
      dunwatch verify mycase
    """
    i18n.set_lang(lang)


def main(argv: list[str] | None = None) -> None:
    """The process's entry point (the `dunwatch` script, `python -m dunwatch`)."""
    without_pandas()
    arrow_gives_memory_back()
    try:
        cli.main(args=argv, prog_name="dunwatch", standalone_mode=False)
    except UserError as e:
        click.echo(f"dunwatch: {i18n.t('error.prefix')}: {e}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("dunwatch: aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except BrokenPipeError:
        sys.exit(0)
