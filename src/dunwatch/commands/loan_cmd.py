import json

import click

from dunwatch.commands.apr_cmd import cap_options, inputs, scheme_options
from dunwatch.i18n import lang, t


@click.group()
def loan():
    """借款 / Debts in a case: their cash flows, true annual cost and the caps that apply."""


@loan.command()
@click.argument("case_dir", metavar="CASE", type=click.Path(file_okay=False))
@click.option("--debt", required=True, help="债务编号（与 events.csv 的 debt 列一致）/ Debt id, as in events.csv's debt column")
@scheme_options
@cap_options
@click.option("--lender", default=None, help="出借人或平台名称 / Lender or platform name")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def add(case_dir, debt, flows_file, principal, term, periods, repayment, monthly_fee_rate, monthly_rate, daily_rate,
        upfront, start, lender_type, contract_date, cash_loan, lpr, contract_principal, lender, as_json):
    """把一笔借款记入案件（现金流文件作为证据保存）/ Add a debt to a case; a flows file is kept as evidence.

    再次添加同一编号会写入新版本；内容相同则不作改动。
    Adding the same debt id again writes a new version; adding it unchanged writes nothing.

    \b
    例 / Example:
      dunwatch loan add mycase --debt loan-1 --flows flows.csv --lender-type private --contract-date 2026-02-15
    """
    from dunwatch.case import Case
    from dunwatch.commands.apr_cmd import show
    from dunwatch.loans.store import add_loan

    with Case.open(case_dir) as c:
        facts, scheme, cp = inputs(c.jurisdiction, flows_file, principal, term, periods, repayment, monthly_fee_rate,
                                   monthly_rate, daily_rate, upfront, start, lender_type, contract_date, cash_loan, lpr,
                                   contract_principal)
        r = add_loan(c, debt, facts, flows_file=flows_file, scheme=scheme, lender=lender, contract_principal=cp)
    if not as_json:
        click.echo(t("loans.added" if r.changed else "loans.unchanged", debt=debt, n=r.flows))
    show(r.result, as_json)


@loan.command("show")
@click.argument("case_dir", metavar="CASE", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def show_(case_dir, as_json):
    """列出案件中每笔借款的年化成本和上限 / Each debt's annual cost and cap check (dunwatch.loans.case_costs).

    \b
    例 / Example:
      dunwatch loan show mycase --json
    """
    from dunwatch.case import Case
    from dunwatch.loans.store import case_costs

    with Case.open(case_dir, read_only=True) as c:
        costs = case_costs(c)
    if as_json:
        click.echo(json.dumps(costs, ensure_ascii=False, indent=2))
        return
    code = "en" if lang() == "en" else "zh-CN"
    for d in costs:
        click.echo(f"[{d['debt']}]")
        click.echo(d["error"][code] if d["error"] else d["explanation"][code])
