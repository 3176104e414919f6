"""Named checks of a `check:` step; see testing.checks.registry for how one is declared."""

from testing.checks import money, orders, records  # noqa: F401  (each module registers its checks)
from testing.checks.registry import CHECKS, Check

__all__ = ["CHECKS", "Check"]
