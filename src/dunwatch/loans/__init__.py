"""The true cost of a loan: cash flows, IRR/APR/XIRR, and the legal caps that apply (docs/loans.md)."""

from dunwatch.loans import messages  # noqa: F401  (registers the module's messages first)
from dunwatch.loans.apr import apr
from dunwatch.loans.caps import LENDER_TYPES, Facts
from dunwatch.loans.flows import Flow, read_flows
from dunwatch.loans.rates import Cost, cost_of, xirr
from dunwatch.loans.schemes import Scheme, expand
from dunwatch.loans.store import add_loan, case_costs

__all__ = ["apr", "Facts", "LENDER_TYPES", "Flow", "read_flows", "Cost", "cost_of", "xirr", "Scheme", "expand",
           "add_loan", "case_costs"]
