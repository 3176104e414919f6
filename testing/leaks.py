"""Internal names that must never reach a shop owner or a vendor: job names, exception names, state
and reason codes (the values of the StrEnums in domain/ and storage/), Python reprs and template
placeholders left unfilled. The replay runner checks every message of every fixture with `leaks`."""

from __future__ import annotations

import builtins
import importlib
import pkgutil
import re
import sys
from enum import StrEnum
from functools import lru_cache

from jobs.schedule import PERIODIC

PROJECT = ("domain", "storage", "services", "nlu", "handlers", "bot", "jobs")
CODE_PACKAGES = ("domain", "services", "services.ops")
REPRS = (r"<[\w.]+ object at 0x[0-9a-f]+>", r"\b(?:Decimal|datetime\.\w+|UUID|Record)\(", r"[:=(,\[] ?None\b",
         r"\{'\w+': ", r"\{[a-z_]+\}", r"\bTraceback\b", r"\bself-heal(?:ing)?\b")


def _enum_values() -> set[str]:
    values = set()
    for package in CODE_PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.iter_modules(root.__path__, f"{package}."):
            module = importlib.import_module(info.name)
            for thing in vars(module).values():
                if isinstance(thing, type) and issubclass(thing, StrEnum) and thing.__module__ == module.__name__:
                    values |= {str(member.value) for member in thing}
    return values


def _exception_names() -> set[str]:
    names = {n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}
    for name, module in list(sys.modules.items()):
        if module is not None and name.split(".")[0] in PROJECT:
            names |= {n for n, v in vars(module).items()
                      if isinstance(v, type) and issubclass(v, BaseException) and v.__module__ == name}
    return names


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    codes = {v for v in _enum_values() if "_" in v}  # snake-case codes, in any case: pending_vendor, PENDING_VENDOR
    shouted = {v for v in _enum_values() if "_" not in v and v.isupper() and len(v) > 2}  # ACCEPTED, as stored
    jobs = {job.name for job in PERIODIC}
    parts = [f"(?i:\\b{re.escape(c)}\\b)" for c in sorted(codes | jobs)]
    parts += [f"\\b{re.escape(w)}\\b" for w in sorted(shouted | _exception_names())]
    return re.compile("|".join([*parts, *REPRS]))


def leaks(body: str) -> list[str]:
    """The internal names found in a message body, each once, in order."""
    return list(dict.fromkeys(m.group(0) for m in _pattern().finditer(body)))
