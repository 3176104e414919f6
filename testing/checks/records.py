"""What was written down: `outbox` (messages by recipient, text, media, status), `audit`, `ticket`,
and `sql` for anything else."""

from __future__ import annotations

from typing import Any

import asyncpg

from testing.checks.registry import Actors, check, row_check, same, shown

OUTBOX_STATUSES = ("queued", "sending", "sent", "delivered", "read", "failed", "dead", "held")


def _outbox_problem(spec: dict[str, Any], actors: Actors) -> str | None:
    if "status" in spec and spec["status"] not in OUTBOX_STATUSES:
        return f"status must be one of {', '.join(OUTBOX_STATUSES)}"
    if "template" in spec and not isinstance(spec["template"], bool):
        return "template is true (sent as a template) or false"
    return None


@check("outbox", selects=("to", "contains", "media", "template", "status"), compares=("count",),
       required=("count",), roles={"to": None}, validate=_outbox_problem)
async def outbox(conn: asyncpg.Connection, actors: Actors, spec: dict[str, Any]) -> list[str]:
    """How many outbox rows match: `to` an actor, body `contains` a text, `media` URL matching a regex,
    sent as a `template` or not, in a `status` (dead: a dead letter; held: waiting for the 24-hour window)."""
    where, args = [], []
    for key, condition, value in (
            ("to", "recipient = ${}", lambda: actors[spec["to"]].phone),
            ("contains", "strpos(lower(body), lower(${})) > 0", lambda: str(spec["contains"])),
            ("media", "media_url ~ ${}", lambda: str(spec["media"])),
            ("template", "(template IS NOT NULL OR sent_as IS NOT DISTINCT FROM 'template') = ${}",
             lambda: spec["template"]),
            ("status", "status = ${}", lambda: spec["status"])):
        if key in spec:
            args.append(value())
            where.append(condition.format(len(args)))
    got = await conn.fetchval(f"SELECT count(*) FROM outbound_messages WHERE {' AND '.join(where) or 'true'}", *args)
    filters = ", ".join(f"{k} {spec[k]!r}" for k in spec if k != "count") or "all"
    return [] if got == spec["count"] else [f"outbox ({filters}): count expected {spec['count']}, got {got}"]


def _audit_problem(spec: dict[str, Any], actors: Actors) -> str | None:
    for key in ("before", "after"):
        if key in spec and not isinstance(spec[key], dict):
            return f"{key} must map fields to the values the entry records"
    return None


@check("audit", selects=("action", "actor", "subject", "before", "after"), compares=("count",),
       required=("action", "count"), roles={"actor": None}, validate=_audit_problem)
async def audit(conn: asyncpg.Connection, actors: Actors, spec: dict[str, Any]) -> list[str]:
    """How many audit entries of `action` match: by `actor`, `subject`, and fields of `before`/`after`."""
    got = await conn.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = $1 AND ($2::text IS NULL OR actor = $2)"
        " AND ($3::text IS NULL OR subject = $3) AND ($4::jsonb IS NULL OR before @> $4)"
        " AND ($5::jsonb IS NULL OR after @> $5)",
        spec["action"], actors[spec["actor"]].phone if "actor" in spec else None, spec.get("subject"),
        spec.get("before"), spec.get("after"))  # the pool's codec encodes jsonb
    filters = ", ".join(f"{k} {spec[k]!r}" for k in spec if k not in ("action", "count"))
    return [] if got == spec["count"] else [
        f"audit {spec['action']!r}{' (' + filters + ')' if filters else ''}: count expected {spec['count']}, got {got}"]


row_check("ticket", "tickets", {"order": "order_id", "category": "category", "status": "status",
                                "resolution": "resolution"})


@check("sql", selects=("query", "args"), compares=("equals",), required=("query", "equals"))
async def sql(conn: asyncpg.Connection, actors: Actors, spec: dict[str, Any]) -> list[str]:
    """The first value the query returns, for what no named check reads."""
    got = await conn.fetchval(spec["query"], *spec.get("args", []))
    if same(got, spec["equals"]):
        return []
    return [f"sql {spec['query']!r}: expected {shown(spec['equals'])}, got {shown(got)}"]
