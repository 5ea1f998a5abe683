import sys

import click

from dunwatch.case import Case


@click.command()
@click.argument("case_dir", metavar="CASE", type=click.Path(file_okay=False))
def verify(case_dir):
    """核验案件：重算证据哈希和整条账本链 / Verify a case: recompute every evidence hash and the ledger chain.

    有任何问题时逐条列出并以非零状态退出。
    Prints each problem by name and exits non-zero if anything was altered, removed or is missing.

    \b
    例 / Example:
      dunwatch verify mycase
    """
    from dunwatch.case.verify import verify as run

    with Case.open(case_dir) as c:
        report = run(c)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        sys.exit(1)
