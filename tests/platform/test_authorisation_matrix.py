"""Who may do what: every role × every action against the table in README ("Who may do what").

The actions are every slash command the routers register (so a new command is in the matrix, and
must be in the README, at once), every vendor reply, and every retailer request that names an order,
a payment or a media job. The objects named belong to the first retailer and, where a vendor is
involved, to the first vendor. For each cell:

- "yes": the action's handler ran (commands) or the answer differs from the answer about an object
  that does not exist (replies and requests);
- "no": the command's handler did not run, or the answer is exactly the one about a missing object
  (the same words, numbers aside); and the named object (for commands: every business table) is
  unchanged.

Allowed cells may change the world; it is seeded again after one that did.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import handlers
from bot.channels.base import InboundMessage
from bot.commands.catalog import import_catalog
from bot.commands.seed import DEMO_CATALOG
from bot.local import LocalSession
from bot.runtime import Runtime
from handlers.routing import Handler
from storage.repos.users import UserRepository
from testing.database import reset_database

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN, END = "<!-- who-may-do-what -->", "<!-- /who-may-do-what -->"
ROLES = {"retailer": "+9779800000001", "retailer 2": "+9779800000003", "vendor": "+9779800000101",
         "vendor 2": "+9779800000102", "admin": "+9779800000000", "unknown": "+9779800009999"}
MISSING = 987654
# Objects of the seeded world (ids are fixed by the seed).
DELIVERED, OFFERED, ACCEPTED, DISPATCHED, PAYMENT, TICKET, MEDIA = 1001, 1002, 1003, 1004, 1, 1, 1
# Sita's delivery runs (the accepted order's, the dispatched one's), numbered above any quantity a shop may
# order so that a retailer's "delivered stop 1 run N" reads alike for them and for MISSING
PLANNED_RUN, ON_THE_ROAD_RUN = 500001, 500002
# Arguments that make each command act on the world (a command not listed here runs without any).
COMMAND_ARGS = {
    "/order": f"{DELIVERED}", "/reassign": f"{OFFERED}", "/cancel": f"{OFFERED} matrix", "/heal": f"{ACCEPTED}",
    "/payment": f"confirm {PAYMENT}", "/ticket": f"resolve {TICKET} sorted", "/credit": "Ram limit 9999999",
    "/safemode": "on 30m matrix", "/export": "orders 2026-01-01..2026-01-02 csv", "/vendor": "Sita",
    "/retailer": "Ram", "/orders": "open", "/stats": "7d", "/vendors": "top",
}
BUSINESS_TABLES = ("users", "retailers", "vendors", "vendor_products", "orders", "order_items", "order_offers",
                   "order_status_history", "payments", "credit_ledger", "tickets", "media_jobs", "flags",
                   "exports", "healing_attempts", "api_keys", "delivery_runs", "delivery_stops")


@dataclass(frozen=True)
class Action:
    name: str                                   # the README row
    text: Callable[[int], str] | None = None    # the message naming object `n`
    payload: Callable[[int], str] | None = None  # or the button payload naming it
    target: int = 0                              # the object of the world it names
    tables: dict[str, str] | None = None         # the object's rows: table -> WHERE with $1 = target


ORDER_ROWS = {"orders": "id = $1", "order_items": "order_id = $1", "order_offers": "order_id = $1",
              "order_status_history": "order_id = $1", "credit_ledger": "order_id = $1",
              "tickets": "order_id = $1"}
PAYMENT_ROWS = {"payments": "id = $1", "credit_ledger": "payment_id = $1"}
RUN_ROWS = {"delivery_runs": "id = $1", "delivery_stops": "run_id = $1",
            "orders": "id = ANY(SELECT unnest(order_ids) FROM delivery_stops WHERE run_id = $1)"}
MEDIA_ROWS = {"media_jobs": "id = $1", "orders": "retailer_id = (SELECT id FROM users WHERE phone = '"
              + ROLES["retailer"] + "')"}


def commands() -> dict[str, Handler]:
    return {name: h for router in handlers.routers() for name, h in router.commands.items()}


def actions() -> list[Action]:
    found = [Action(f"`{name}`") for name in sorted(commands())]
    found += [
        Action("vendor: `accept ORDER`", lambda n: f"accept {n}", target=OFFERED, tables=ORDER_ROWS),
        Action("vendor: `accept ORDER without ITEM`", lambda n: f"accept {n} without zzz", target=OFFERED,
               tables=ORDER_ROWS),
        Action("vendor: `reject ORDER REASON`", lambda n: f"reject {n} no stock", target=OFFERED, tables=ORDER_ROWS),
        Action("vendor: `dispatched ORDER`", lambda n: f"dispatched {n}", target=ACCEPTED, tables=ORDER_ROWS),
        Action("vendor: `delivered ORDER`", lambda n: f"delivered {n}", target=DISPATCHED, tables=ORDER_ROWS),
        Action("vendor: `dispatched run RUN`", lambda n: f"dispatched run {n}", target=PLANNED_RUN, tables=RUN_ROWS),
        Action("vendor: `delivered stop STOP run RUN`", lambda n: f"delivered stop 1 run {n}", target=ON_THE_ROAD_RUN,
               tables=RUN_ROWS),
        Action("vendor: `payment ok PAYMENT`", lambda n: f"payment ok {n}", target=PAYMENT, tables=PAYMENT_ROWS),
        Action("retailer: order status naming ORDER", lambda n: f"order {n} kaha pugyo?", target=DELIVERED,
               tables=ORDER_ROWS),
        Action("retailer: complaint naming ORDER", lambda n: f"order #{n} ko saman bigreko thiyo, complaint",
               target=DELIVERED, tables=ORDER_ROWS),
        Action("retailer: media job result (`media:JOB` payload)", payload=lambda n: f"media:{n}", target=MEDIA,
               tables=MEDIA_ROWS),
    ]
    return found


def readme_table() -> dict[str, dict[str, str]]:
    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"README needs the table between {BEGIN} and {END}"
    rows = [line for line in text.split(BEGIN, 1)[1].split(END, 1)[0].splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    assert header[1:] == list(ROLES), f"README columns must be: action | {' | '.join(ROLES)}"
    table = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        table[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return table


def render(observed: dict[str, dict[str, str]]) -> str:
    lines = ["| action | " + " | ".join(ROLES) + " |", "|---" * (len(ROLES) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(cells[r] for r in ROLES) + " |" for name, cells in observed.items()]
    return "\n".join(lines)


async def seed(runtime: Runtime, *, catalogue: bool) -> None:
    """Two retailers, two vendors, an admin; Ram's orders in four states, a payment claim, a ticket and
    a photo already read."""
    if catalogue:
        await reset_database(runtime)
        await import_catalog(DEMO_CATALOG, runtime.config.secrets.database_url or "", progress=False)
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn, conn.transaction():
        if not catalogue:
            tables = (*BUSINESS_TABLES, "vehicles", "inbound_messages", "outbound_messages", "conversations")
            await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            await conn.execute("ALTER SEQUENCE order_numbers RESTART WITH 1001")
        users = UserRepository(conn)
        ram = await users.add_retailer(ROLES["retailer"], "Ram Kirana", Decimal(50000), address="Butwal")
        await users.add_retailer(ROLES["retailer 2"], "Hari Pasal", Decimal(50000), address="Butwal")
        sita = await users.add_vendor(ROLES["vendor"], "Sita Traders")
        await users.add_vendor(ROLES["vendor 2"], "Gita Wholesale")
        await users.upsert(ROLES["admin"], "Ops Desk", "admin")
        for status in ("DELIVERED", "PENDING_VENDOR", "ACCEPTED", "DISPATCHED"):
            order_id = await conn.fetchval(
                "INSERT INTO orders (retailer_id, vendor_id, status, total, created_at, updated_at, confirmed_at)"
                " VALUES ($1, $2, $3, 226.80, $4, $4, $4) RETURNING id", ram, None if status == "PENDING_VENDOR"
                else sita, status, now)
            await conn.execute(
                "INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)"
                " VALUES ($1, 'SUGAR-LOOSE', 'Sugar (loose)', 2, 'kg', 113.40, 226.80)", order_id)
            await conn.execute(
                "INSERT INTO credit_ledger (retailer_id, kind, amount, balance_after, order_id, created_at)"
                " VALUES ($1, 'ORDER_DEBIT', 226.80, 226.80 * $2, $3, $4)", ram, order_id - 1000, order_id, now)
            await conn.execute(
                "INSERT INTO order_offers (order_id, vendor_id, status, offered_at, expires_at, responded_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)", order_id, sita, "OFFERED" if status == "PENDING_VENDOR"
                else "ACCEPTED", now, now + timedelta(days=1), None if status == "PENDING_VENDOR" else now)
        vehicle = await conn.fetchval("INSERT INTO vehicles (vendor_id, name, capacity_kg) VALUES ($1, 'van', 500)"
                                      " RETURNING id", sita)
        for run, order_id, status in ((PLANNED_RUN, ACCEPTED, "PLANNED"), (ON_THE_ROAD_RUN, DISPATCHED, "DISPATCHED")):
            await conn.execute(
                "INSERT INTO delivery_runs (id, vendor_id, vehicle_id, day, status, km, leaves_at, returns_at,"
                " fingerprint, planned_at) VALUES ($1, $2, $3, $4, $5, 4.2, $6, $7, 'matrix', $6)",
                run, sita, vehicle, now.date(), status, now, now + timedelta(hours=2))
            await conn.execute(
                "INSERT INTO delivery_stops (run_id, seq, retailer_id, order_ids, eta, km_from_prev, weight_kg)"
                " VALUES ($1, 1, $2, $3, $4, 2.1, 2)", run, ram, [order_id], now + timedelta(hours=1))
        await conn.execute("INSERT INTO payments (retailer_id, amount, method, claimed_at)"
                           " VALUES ($1, 100, 'cash', $2)", ram, now)
        await conn.execute("INSERT INTO tickets (retailer_id, order_id, category, body, created_at)"
                           " VALUES ($1, $2, 'damaged', 'torn bag', $3)", ram, DELIVERED, now)
        inbound = await conn.fetchval(
            "INSERT INTO inbound_messages (provider, provider_id, phone, status, received_at, handled_at)"
            " VALUES ('console', 'seed-photo', $1, 'handled', $2, $2) RETURNING id", ROLES["retailer"], now)
        await conn.execute(
            "INSERT INTO media_jobs (inbound_id, phone, kind, url, content_type, status, text, lines, confidence,"
            " created_at) VALUES ($1, $2, 'image', 'file:///seed.png', 'image/png', 'done', '2 kg chini',"
            " '[\"2 kg chini\"]', 0.99, $3)", inbound, ROLES["retailer"], now)
    await runtime.nlu.refresh(runtime.pool, force=True)


async def snapshot(runtime: Runtime, tables: dict[str, str] | None, target: int) -> dict[str, list[Any]]:
    """The rows the action could touch: the named object's, or (for commands) every business table."""
    async with runtime.pool.acquire() as conn:
        if tables is None:
            return {t: [tuple(r) for r in await conn.fetch(f"SELECT * FROM {t} ORDER BY 1, 2")]
                    for t in BUSINESS_TABLES}
        return {t: [tuple(r) for r in await conn.fetch(
            f"SELECT * FROM {t} WHERE {where} ORDER BY 1, 2", *((target,) if "$1" in where else ()))]
            for t, where in tables.items()}


class Harness:
    def __init__(self, runtime: Runtime, ran: list[Handler]) -> None:
        self.runtime, self.ran = runtime, ran
        self.session = LocalSession(runtime)

    async def send(self, phone: str, text: str = "", payload: str | None = None) -> str:
        """One message from `phone`; what it was answered (numbers blanked), with the conversation reset."""
        self.ran.clear()
        inbound = InboundMessage(provider="console", provider_id=uuid.uuid4().hex, phone=phone, text=text,
                                 button_payload=payload)
        await self.runtime.intake.receive(inbound)
        await self.runtime.intake.process(phone)
        sent = await self.session.flush()
        async with self.runtime.pool.acquire() as conn:
            await conn.execute("DELETE FROM conversations")
        return re.sub(r"\d[\d,.]*", "N", "\n".join(m.body for m in sent if m.recipient == phone))


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> list[Handler]:
    """The handlers that ran for the last message."""
    seen: list[Handler] = []
    real = Handler.call

    async def call(self: Handler, deps: dict[str, Any]) -> Any:
        seen.append(self)
        return await real(self, deps)

    monkeypatch.setattr(Handler, "call", call)
    return seen


async def test_every_role_may_do_what_the_readme_says_and_nothing_else(runtime: Runtime,
                                                                      ran: list[Handler]) -> None:
    expected = readme_table()
    listed = actions()
    assert [a.name for a in listed if a.name not in expected] == [], "actions missing from the README table"
    assert [n for n in expected if n not in {a.name for a in listed}] == [], "README rows no action has"
    await seed(runtime, catalogue=True)
    harness, by_name = Harness(runtime, ran), commands()
    observed: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for action in listed:
        observed[action.name] = {}
        for role, phone in ROLES.items():
            if action.text is None and action.payload is None:  # a slash command
                name = action.name.strip("`")
                before = await snapshot(runtime, None, 0)
                await harness.send(phone, f"{name} {COMMAND_ARGS.get(name, '')}".strip())
                allowed = by_name[name] in ran
                changed = await snapshot(runtime, None, 0) != before
            else:
                def message(n: int, action: Action = action) -> dict[str, Any]:
                    return {"text": action.text(n)} if action.text else {"payload": action.payload(n)}  # type: ignore[misc]
                missing = await harness.send(phone, **message(MISSING))
                before = await snapshot(runtime, action.tables, action.target)
                answer = await harness.send(phone, **message(action.target))
                allowed = answer != missing
                if expected.get(action.name, {}).get(role) != ("yes" if allowed else "no"):
                    problems.append(f"{action.name} by {role}: answered {answer!r}; about a missing one {missing!r}")
                changed = await snapshot(runtime, action.tables, action.target) != before
            observed[action.name][role] = "yes" if allowed else "no"
            if not allowed and changed:
                problems.append(f"{action.name} by {role}: refused, but the state changed")
            if changed:
                await seed(runtime, catalogue=False)
    mismatched = [f"{name} by {role}: README says {expected[name][role]}, observed {cells[role]}"
                  for name, cells in observed.items() for role in ROLES if expected[name][role] != cells[role]]
    assert not mismatched and not problems, "\n".join(
        mismatched + problems + ["observed:", render(observed)])
    print(f"\nauthorisation matrix: {len(listed)} actions × {len(ROLES)} roles = {len(listed) * len(ROLES)} cells")


def test_the_readme_table_covers_every_command_of_the_routers() -> None:
    rows = readme_table()
    assert {f"`{name}`" for name in commands()} <= set(rows)
    assert all(set(cells.values()) <= {"yes", "no"} for cells in rows.values())
