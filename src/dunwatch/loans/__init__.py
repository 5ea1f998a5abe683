"""The true cost of a loan: cash flows, IRR/APR/XIRR, and the legal caps that apply."""

from dunwatch.loans import messages  # noqa: F401  (registers the module's messages first)
