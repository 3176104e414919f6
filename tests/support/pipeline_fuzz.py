"""Fuzzing the whole message path: random senders and texts in, every message handled and answered.

A seeded stream of messages from retailers, vendors, an admin and unknown numbers: texts from the
public corpora in /work/shared/data/corpora (when present), every slash command the routers know
with random arguments, vendor replies, orders and quantities with hostile numbers, 4,000-character
lists and repeated words. `run_fuzz` sends them through intake → dispatcher → handlers → outbox and
returns what happened; `violations` checks the invariants of the data afterwards. The test suite
runs a short stream (tests/platform/test_fuzz_pipeline.py), bench/fuzz_pipeline.py a long one.
"""

from __future__ import annotations

import csv
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg

from bot.commands.seed import DEMO_CATALOG
from bot.runtime import Runtime
from domain.orders import TRANSITIONS, OrderStatus
from testing.cast import stage
from testing.fixtures import Actor, Fixture

CORPORA = Path("/work/shared/data/corpora")
RETAILERS = ("+9779800000001", "+9779800000003", "+9779800000005")
VENDORS = ("+9779800000101", "+9779800000102")
ADMIN = "+9779800000900"
UNKNOWN = ("+9779811111111", "+919876543210")

HOSTILE_NUMBERS = ("99999999999999999999", "0", "-5", "-3", "1e30", "१२३४५६७८९०", "9" * 60, "1.5", "NaN",
                   "inf", "0.0001", "²", "٣", "1,000,000,000,000", "00000000001", "3.14159265358979", "-0",
                   "1" * 5000, "10000000", "12", "1001", "#1002", "1/0", "½")
PRODUCT_WORDS = ("chini", "sugar", "wai wai", "rara", "coke", "daal", "chamal", "tel", "dudh", "surf excel",
                 "chiya", "noodles", "aata", "maida", "nun", "biscuit", "sabun", "h2o", "2x", "covid19")
UNITS = ("kg", "packet", "carton", "bora", "bottle", "litre", "dozen", "pcs", "g", "ml", "")
RETAILER_SAYS = ("yes", "no", "ho", "haina", "1", "2", "5", "remove chini", "add 2 kg chini", "cancel",
                 "mero order kaha pugyo?", "mero baki kati cha?", "same as last time", "help", "namaste",
                 "chini ko rate kati?", "rara cha?", "nepali ma", "english please", "order 1001 ma coke futeko",
                 "chini ka rate kya h", "", "   ", "🙏", "👍🏽", "\u200d\u200d", "\u202e olleh")
VENDOR_VERBS = ("accept", "ACCEPT", "ok", "yes", "reject", "REJECT", "no", "dispatched", "delivered", "sent",
                "payment ok", "payment received", "bhuktani aayo", "stock", "stock chini", "accept 1001 without")


def corpus_texts(limit: int = 20_000, root: Path = CORPORA) -> list[str]:
    """Utterances from the public corpora (empty when they are not on this machine)."""
    texts: list[str] = []
    try:
        with (root / "banking77" / "banking_data" / "test.csv").open(encoding="utf-8") as f:
            texts += [row["text"] for row in csv.DictReader(f)]
        with (root / "hinglish_top" / "test.tsv").open(encoding="utf-8") as f:
            texts += [row["cs_query"] for row in csv.DictReader(f, delimiter="\t")]
        texts += (root / "hwu64" / "valid" / "seq.in").read_text(encoding="utf-8").splitlines()
        for line in (root / "codemixed_dialog_hindi" / "hindi" / "dialog-dstc2-tst.txt").open(encoding="utf-8"):
            parts = line.rstrip("\n").split(" ", 1)
            if len(parts) == 2:
                texts += [t for t in parts[1].split("\t") if t and t != "<SILENCE>"]
    except (OSError, KeyError):
        pass
    return [t for t in texts if t.strip()][:limit]


def command_usages() -> dict[str, str]:
    """Every operator command the routers register, with its usage line."""
    import handlers
    from handlers.admin.framework import COMMANDS

    handlers.routers()
    return {name: spec.usage for name, spec in COMMANDS.items()}


class MessageStream:
    """A seeded stream of (phone, text) as many kinds of sender would write them."""

    def __init__(self, seed: int, corpus: list[str], commands: dict[str, str]) -> None:
        self.rng = random.Random(seed)
        self.corpus = corpus
        self.commands = commands

    def number(self) -> str:
        r = self.rng
        return r.choice(HOSTILE_NUMBERS) if r.random() < 0.6 else str(r.choice([1, 2, 5, 10, 1001, 1002, 1003]))

    def garbage(self) -> str:
        r = self.rng
        alphabet = "abc xyz 0123 ०१२३ चिनी ✅👍❌🙏 \u200b\u200d\u202e\u0301 #/:,.-+=@ \n\t"
        return "".join(r.choice(alphabet) for _ in range(r.randint(0, 60)))

    def order_text(self) -> str:
        r = self.rng
        lines = [f"{self.number()} {r.choice(UNITS)} {r.choice(PRODUCT_WORDS)}" for _ in range(r.randint(1, 4))]
        return r.choice([", ", " ra ", " and ", "\n"]).join(lines)

    def long_list(self) -> str:
        r = self.rng
        text = ""
        while len(text) < 4000:
            text += f"{r.randint(1, 50)} {r.choice(UNITS)} {r.choice(PRODUCT_WORDS)}, "
        return text[:4000]

    def repeated(self) -> str:
        r = self.rng
        return " ".join([r.choice((*PRODUCT_WORDS, "ok", "yes", "1"))] * r.randint(50, 600))

    def command(self) -> str:
        r = self.rng
        name, usage = r.choice(sorted(self.commands.items()))
        args = []
        for word in usage.split()[1:r.randint(1, 6)]:
            if word.isupper() or "|" in word:
                args.append(r.choice([self.number(), r.choice(RETAILERS + VENDORS + UNKNOWN), "Ram", "zzz",
                                      r.choice(word.strip("[]").split("|")), self.garbage()[:12]]))
            else:
                args.append(word.strip("[]") if r.random() < 0.7 else self.number())
        if r.random() < 0.2:
            args.append(self.number())
        return " ".join([name if r.random() < 0.9 else name.upper(), *args])

    def vendor_text(self) -> str:
        r = self.rng
        verb = r.choice(VENDOR_VERBS)
        tail = r.choice(["", " " + self.number(), " " + self.number() + " " + r.choice(PRODUCT_WORDS),
                         " " + self.number() + " out of stock", " #" + self.number(),
                         " " + r.choice(PRODUCT_WORDS) + " " + self.number() + " kg"])
        return verb + tail

    def text_for(self, role: str) -> str:
        r = self.rng
        kinds: list[Callable[[], str]] = [self.garbage, self.repeated, self.command]
        if self.corpus:
            kinds.append(lambda: r.choice(self.corpus))
        if role == "retailer":
            kinds += [self.order_text, self.order_text, self.long_list, lambda: r.choice(RETAILER_SAYS),
                      lambda: r.choice(RETAILER_SAYS), lambda: f"{self.number()} pathaye esewa bata",
                      lambda: f"order {self.number()} kaha pugyo", lambda: f"order {self.number()} ma coke futeko"]
        elif role == "vendor":
            kinds += [self.vendor_text] * 5
        elif role == "admin":
            kinds += [self.command] * 5
        return r.choice(kinds)()

    def next(self) -> tuple[str, str]:
        r = self.rng
        role = r.choices(["retailer", "vendor", "admin", "unknown"], weights=[5, 3, 2, 1])[0]
        phone = {"retailer": lambda: r.choice(RETAILERS), "vendor": lambda: r.choice(VENDORS),
                 "admin": lambda: ADMIN, "unknown": lambda: r.choice(UNKNOWN)}[role]()
        return phone, self.text_for(role)


async def cast(runtime: Runtime) -> None:
    """The demo catalogue, three retailers (one with little credit), two vendors with little stock, an admin."""
    specs: dict[str, dict[str, Any]] = {
        "ram": {"role": "retailer", "phone": RETAILERS[0], "name": "Ram Kirana", "credit_limit": 50000},
        "hari": {"role": "retailer", "phone": RETAILERS[1], "name": "Hari Pasal", "credit_limit": 3000},
        "gita": {"role": "retailer", "phone": RETAILERS[2], "name": "Gita Store", "credit_limit": 20000,
                 "language": "ne-deva"},
        "sita": {"role": "vendor", "phone": VENDORS[0], "name": "Sita Traders"},
        "mohan": {"role": "vendor", "phone": VENDORS[1], "name": "Mohan Suppliers"},
        "ops": {"role": "admin", "phone": ADMIN, "name": "Ops"},
    }
    actors = {k: Actor(k, s["role"], s["phone"], s["name"], s) for k, s in specs.items()}
    await stage(Fixture(Path("fuzz.yml"), "fuzz", actors, [], DEMO_CATALOG), runtime)
    async with runtime.pool.acquire() as conn:  # little stock, so accepts run out and refuse
        await conn.execute("UPDATE vendor_products SET stock = (random() * 30)::int")


@dataclass
class FuzzReport:
    messages: int = 0
    handled: int = 0
    failed: int = 0
    unanswered: int = 0
    replies: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    samples: dict[str, str] = field(default_factory=dict)   # error -> a text that caused it
    violations: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"messages {self.messages}", f"handled {self.handled}", f"failed {self.failed}",
               f"unanswered {self.unanswered}",
               f"replies {self.replies}", f"invariant violations {len(self.violations)}"]
        out += [f"  error {e} ×{n}: {self.samples[e][:120]!r}" for e, n in sorted(self.errors.items())]
        out += [f"  violation {v}" for v in self.violations[:20]]
        return out


Deliver = Callable[[str, str], Awaitable[None]]


async def run_fuzz(runtime: Runtime, deliver: Deliver, count: int, seed: int = 0) -> FuzzReport:
    """Send `count` messages from the stream through `deliver`, then read what became of them."""
    stream = MessageStream(seed, corpus_texts(), command_usages())
    for _ in range(count):
        await deliver(*stream.next())
        if hasattr(runtime.clock, "advance"):  # people type at human speed: under the per-sender limit
            runtime.clock.advance(timedelta(seconds=3))
    return await report(runtime.pool, count)


async def report(pool: asyncpg.Pool, count: int) -> FuzzReport:
    result = FuzzReport(messages=count)
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT m.id, m.body, m.status, m.error,"
            " (SELECT count(*) FROM outbound_messages o WHERE o.inbound_id = m.id AND o.recipient = m.phone) AS sent"
            " FROM inbound_messages m")
        for row in rows:
            if row["status"] == "done":
                result.handled += 1
            elif row["status"] == "failed":
                result.failed += 1
                kind, _, detail = (row["error"] or "").partition(": ")
                key = f"{kind}: {detail[:60]}"
                result.errors[key] = result.errors.get(key, 0) + 1
                result.samples.setdefault(key, row["body"])
            if row["sent"] == 0:
                result.unanswered += 1
                result.samples.setdefault("unanswered", row["body"])
            result.replies += row["sent"]
        result.violations = await violations(conn)
    return result


async def violations(conn: asyncpg.Connection) -> list[str]:
    """What is wrong with the data: stock below zero, credit over the limit, ledgers out of step,
    orders in states no sequence of allowed moves reaches."""
    found = [f"stock of {r['sku']} at vendor {r['vendor_id']} is {r['stock']}" for r in await conn.fetch(
        "SELECT vendor_id, sku, stock FROM vendor_products WHERE stock < 0")]
    found += [f"retailer {r['user_id']} owes {r['owed']} over its limit {r['credit_limit']}" for r in await conn.fetch(
        "SELECT r.user_id, r.credit_limit, COALESCE(sum(l.amount), 0) AS owed FROM retailers r"
        " LEFT JOIN credit_ledger l ON l.retailer_id = r.user_id GROUP BY r.user_id"
        " HAVING COALESCE(sum(l.amount), 0) > r.credit_limit AND NOT EXISTS (SELECT 1 FROM audit_log a"
        "  WHERE a.action = 'command /credit' AND a.subject IS NOT NULL)")]  # an operator may lower a limit
    found += [f"ledger of retailer {r['retailer_id']} entry {r['id']}: balance {r['balance_after']}, sum {r['running']}"
              for r in await conn.fetch(
                  "SELECT * FROM (SELECT id, retailer_id, balance_after, sum(amount) OVER (PARTITION BY retailer_id"
                  " ORDER BY id) AS running FROM credit_ledger) x WHERE balance_after <> running")]
    for r in await conn.fetch("SELECT o.id, o.status, o.vendor_id, array_agg(h.from_status ORDER BY h.id) AS froms,"
                              " array_agg(h.to_status ORDER BY h.id) AS tos FROM orders o"
                              " LEFT JOIN order_status_history h ON h.order_id = o.id GROUP BY o.id"):
        status = OrderStatus(r["status"])
        if status in (OrderStatus.ACCEPTED, OrderStatus.DISPATCHED, OrderStatus.DELIVERED) and r["vendor_id"] is None:
            found.append(f"order {r['id']} is {status} without a vendor")
        moves = [(f, t) for f, t in zip(r["froms"], r["tos"], strict=True) if t is not None]
        for i, (f, t) in enumerate(moves):
            if f is not None and OrderStatus(t) not in TRANSITIONS[OrderStatus(f)]:
                found.append(f"order {r['id']} moved {f} -> {t}")
            if i + 1 < len(moves) and moves[i + 1][0] != t:
                found.append(f"order {r['id']} history jumps from {t} to {moves[i + 1][0]}")
        if moves and moves[-1][1] != status:
            found.append(f"order {r['id']} is {status} but its history ends at {moves[-1][1]}")
    return found


def local_deliver(session: Any) -> Deliver:
    """Deliver through a LocalSession: the intake, dispatcher and outbox the webhook uses."""
    async def deliver(phone: str, text: str) -> None:
        await session.say(phone, text, provider_id=uuid.uuid4().hex)
    return deliver
