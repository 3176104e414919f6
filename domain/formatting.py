"""How numbers and times read in messages, reports and exports: the one definition of each.

    amount(1234.5)  -> '1,234.50'          money(1234.5) -> 'Rs 1,234.50' (None -> '-')
    qty(2.500)      -> '2.5'               duration(7300) -> '2h 01m'
    when(at, zone)  -> '25 Nov 14:05'      stamp(at, zone) -> '2026-11-25 14:05:00'
    days(start, end) -> '01 Nov – 30 Nov 2026'   clock_until(at) -> ' until 14:30 UTC'

Times are shown in the platform's zone: `platform_zone(config)` reads the one setting,
`platform.timezone` (an IANA name such as "Asia/Kathmandu"); every local day and local time is
taken through it.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Kathmandu"


def amount(value: Decimal) -> str:
    """1234.5 -> '1,234.50'."""
    return f"{value:,.2f}"


def money(value: Decimal | float | None) -> str:
    """1234.5 -> 'Rs 1,234.50'; None -> '-' (operators' reports)."""
    return "-" if value is None else f"Rs {amount(Decimal(str(value)))}"


def qty(value: Decimal) -> str:
    """2.000 -> '2', 2.500 -> '2.5'."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def duration(seconds: float | None) -> str:
    """1234 → '20m 34s'; 7300 → '2h 01m'; 90000 → '1d 1h'; None → '-'."""
    if seconds is None:
        return "-"
    total = round(seconds)
    days_, rem = divmod(total, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days_:
        return f"{days_}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def when(at: datetime | None, zone: tzinfo) -> str:
    """'25 Nov 14:05' in `zone`; None -> '-'."""
    return at.astimezone(zone).strftime("%d %b %H:%M") if at else "-"


def stamp(at: datetime | None, zone: tzinfo) -> str:
    """'2026-11-25 14:05:00' in `zone` (a spreadsheet cell); None -> ''."""
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if at else ""


def days(start: date, end: date) -> str:
    """'01 Nov – 30 Nov 2026': a range of days, both included."""
    return f"{start:%d %b} – {end:%d %b %Y}"


@cache
def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone `name`; ValueError saying what is wrong otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"{name!r} is not a time zone: use an IANA name like {DEFAULT_TIMEZONE}") from exc


def platform_zone(config: Any) -> ZoneInfo:
    """The platform's time zone (`platform.timezone`), whose midnights bound its days."""
    return zone_named(config.platform.timezone)


def clock_until(at: datetime | None) -> str:
    """' until 14:30 UTC' for an end time, '' for none (spliced into "… is ON{until}")."""
    return f" until {at:%H:%M} UTC" if at else ""
