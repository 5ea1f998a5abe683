"""dunwatch: turn phone evidence of debt collection into verifiable proof."""

__version__ = "0.1.0"
