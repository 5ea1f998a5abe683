import functools
import json

import click

from dunwatch.i18n import lang

_TYPES = "bank|consumer_finance|microloan|other_licensed|private"


def scheme_options(f):
    """Flags of a quoted loan (shared with `dunwatch loan add`)."""
    opts = [
        click.option("--flows", "flows_file", type=click.Path(dir_okay=False),
                     help="现金流文件 date,amount[,note]（收到为正，付出为负）/ FLOWS.csv: date,amount[,note] (received +, paid −)"),
        click.option("--principal", help="合同本金 / Contract principal of a quoted scheme, e.g. 10000"),
        click.option("--term", help="期限，如 12m、14d、2w、1y / Term, e.g. 12m, 14d, 2w, 1y"),
        click.option("--periods", type=int, help="期数（默认：按月期限为月数，否则 1）/ Installments (default: months of the term, else 1)"),
        click.option("--method", "repayment", default="equal_installment", show_default=True,
                     type=click.Choice(["equal_installment", "equal_principal", "interest_first"]),
                     help="还款方式：等额本息、等额本金、先息后本 / Repayment method"),
        click.option("--monthly-fee-rate", help="月费率（按原始本金每月收取），如 0.6% / Monthly fee on the original principal, e.g. 0.6%"),
        click.option("--monthly-rate", help="月利率（按剩余本金）/ Monthly interest rate on the balance"),
        click.option("--daily-rate", help="日利率（按剩余本金、实际天数）/ Daily interest rate on the balance"),
        click.option("--upfront", help="放款时预扣的金额（砍头息、服务费…）/ Amount kept back at payout (fees deducted upfront)"),
        click.option("--start", help="放款日期 YYYY-MM-DD（默认合同日期）/ Payout date (default: the contract date)"),
    ]
    return functools.reduce(lambda g, o: o(g), reversed(opts), f)


def cap_options(f):
    """Facts that decide which legal cap applies (shared with `dunwatch loan add`)."""
    opts = [
        click.option("--lender-type", type=click.Choice(_TYPES.split("|")),
                     help="出借人类型 / Lender type: bank, consumer_finance, microloan, other_licensed, private"),
        click.option("--contract-date", help="合同成立日期 YYYY-MM-DD / Contract date"),
        click.option("--cash-loan/--not-cash-loan", default=None,
                     help="是否现金贷（2017-12 至 2020-08 的 36% 线）/ Whether it was a cash loan (the 2017–2020 36% line)"),
        click.option("--lpr", help="合同日的一年期 LPR（表中没有时）/ One-year LPR on the contract date, when dunwatch's table lacks it"),
        click.option("--contract-principal", help="合同写明的本金（与实际到手比较）/ Principal the contract states, to show what was kept back"),
    ]
    return functools.reduce(lambda g, o: o(g), reversed(opts), f)


def inputs(jurisdiction, flows_file, principal, term, periods, repayment, monthly_fee_rate, monthly_rate,
           daily_rate, upfront, start, lender_type, contract_date, cash_loan, lpr, contract_principal):
    """Parse the flags into (facts, scheme or None, contract principal) for the Python API."""
    from decimal import Decimal

    from dunwatch.errors import UserError
    from dunwatch.i18n import t
    from dunwatch.loans.caps import Facts
    from dunwatch.loans.flows import parse_amount, parse_date
    from dunwatch.loans.schemes import Scheme, parse_rate

    facts = Facts(jurisdiction, lender_type, parse_date(contract_date, "--contract-date") if contract_date else None,
                  cash_loan, parse_rate(lpr) if lpr else None)
    rates = {k: v for k, v in (("monthly_fee_rate", monthly_fee_rate), ("monthly_rate", monthly_rate),
                               ("daily_rate", daily_rate)) if v is not None}
    quoted = principal is not None or term is not None or rates
    if bool(flows_file) == bool(quoted):
        raise UserError(t("loans.flows_or_scheme"))
    scheme = None
    if quoted:
        if principal is None or term is None or len(rates) != 1:
            raise UserError(t("loans.scheme_needs"))
        (kind, value), = rates.items()
        scheme = Scheme(parse_amount(principal, "--principal"), term, kind, parse_rate(value), repayment, periods,
                        parse_amount(upfront, "--upfront") if upfront else Decimal(0),
                        parse_date(start, "--start") if start else None)
    cp = parse_amount(contract_principal, "--contract-principal") if contract_principal else None
    return facts, scheme, cp


def show(result: dict, as_json: bool) -> None:
    """Print an apr() result: the plain-words explanation, or JSON with what is missing also on stderr."""
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        code = "en" if lang() == "en" else "zh-CN"
        click.echo(result["explanation"][code])
        for w in result["warnings"]:
            click.echo(f"! {w[code]}", err=True)
        return  # the explanation already asks for what is missing
    code = "en" if lang() == "en" else "zh-CN"
    for m in result["missing"]:
        click.echo(f"? {m['message'][code]}", err=True)


@click.command()
@scheme_options
@click.option("--period", default="auto", show_default=True,
              help="计息期：auto、day、week、2week、semimonth、month、quarter、year、15day… / Unit period")
@click.option("--convention", default="irr", show_default=True, type=click.Choice(["irr", "actuarial"]),
              help="irr：复利（中国人民银行公告〔2021〕第3号）；actuarial：美国 Z 条例附录 J / irr: compound (PBOC 2021 No. 3); actuarial: US Reg Z App. J")
@cap_options
@click.option("--jurisdiction", default="cn", show_default=True, type=click.Choice(["cn", "us", "uk", "in", "eu"]),
              help="辖区（决定适用的上限）/ Jurisdiction whose caps apply")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / Print JSON")
def apr(flows_file, principal, term, periods, repayment, monthly_fee_rate, monthly_rate, daily_rate, upfront, start,
        period, convention, lender_type, contract_date, cash_loan, lpr, contract_principal, jurisdiction, as_json):
    """借款的真实年化成本（IRR/APR/XIRR）及是否超过法定上限 / The true annual cost of a loan, against the legal caps.

    输入实际现金流（收到为正、付出为负），或报价方案（本金、期限、期数、还款方式、月费率或日利率、预扣金额）。

    Give the flows as lived (received positive, paid negative), or a quoted scheme that dunwatch expands.

    缺少决定上限的事实时会列出需要补充的参数，不会擅自假定。

    When a fact that decides the cap is missing, dunwatch says which flag supplies it; it never guesses.

    \b
    例 / Example:
      dunwatch apr --flows flows.csv --lender-type private --contract-date 2026-02-15 --json
      dunwatch apr --principal 10000 --term 12m --monthly-fee-rate 0.6% --lender-type bank
    """
    from dunwatch.loans.apr import apr as compute
    from dunwatch.loans.apr import flows_cost, flows_of_scheme

    facts, scheme, cp = inputs(jurisdiction, flows_file, principal, term, periods, repayment, monthly_fee_rate,
                               monthly_rate, daily_rate, upfront, start, lender_type, contract_date, cash_loan, lpr,
                               contract_principal)
    if scheme is None:
        result = flows_cost(flows_file, period=period, convention=convention, facts=facts, contract_principal=cp)
    else:
        flows, notes = flows_of_scheme(scheme, facts)
        result = compute(flows, period, convention, facts, cp if cp is not None else scheme.principal, notes)
    show(result, as_json)
