"""Values of the API's JSON: dataclasses as objects, money exact as strings, times in ISO 8601."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone, tzinfo
from decimal import Decimal
from typing import Any

from domain.dashboard import Period, VendorStanding


def jsonable(value: Any) -> Any:
    """Dataclasses, Decimals and datetimes as JSON values (money stays exact as a string)."""
    if isinstance(value, VendorStanding):
        return {**jsonable(vars(value)), "reliability": value.reliability, "grade": value.grade}
    if isinstance(value, Period):
        return {"label": value.label, "start": jsonable(value.start), "end": jsonable(value.end),
                "zone": _offset_name(value.zone, value.end)}
    if hasattr(value, "__dataclass_fields__"):
        return {name: jsonable(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _offset_name(zone: tzinfo, at: datetime) -> str:
    """The zone as its offset from UTC at `at`: 'UTC+05:45' ('UTC' itself for no offset)."""
    offset = at.astimezone(zone).utcoffset()
    return str(timezone(offset)) if offset is not None else "UTC"
