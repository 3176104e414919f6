"""The fixture runner itself: strict by default, every inbound message handled, named checks that say
what differs, and a fixture that breaks a rule names the fixture, the step and the actor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.runtime import Runtime
from testing.fixtures import FixtureError, load_fixture
from testing.replay import Replayer, ReplayFailure

CAST = """\
actors:
  ram: {role: retailer, phone: "+9779800000001", name: Ram Kirana, address: Butwal, lat: 27.70, lon: 83.45}
  sita: {role: vendor, phone: "+9779800000101", name: Sita Traders, lat: 27.69, lon: 83.45}
  ops: {role: admin, phone: "+9779800000000", name: Ops Desk}
  stranger: {role: unknown, phone: "+9779811111111"}
"""
ORDER = """\
  - ram: "2 kg chini"
    expect:
      ram: {contains: "Your order (draft #1001)"}
  - ram: "yes"
    expect:
      ram: {contains: "Order #1001 confirmed: Rs 226.80"}
      sita: {contains: ["New order #1001 from Ram Kirana (Butwal)", "Sugar (loose): 2 kg"]}
"""


def fixture(tmp_path: Path, steps: str, name: str = "runner.yml") -> Path:
    path = tmp_path / name
    path.write_text(f"name: the runner at work\n{CAST}steps:\n{steps}", encoding="utf-8")
    return path


async def replay(runtime: Runtime, path: Path) -> int:
    return await Replayer(runtime).run(load_fixture(path))


async def failure(runtime: Runtime, path: Path) -> str:
    with pytest.raises(ReplayFailure) as caught:
        await replay(runtime, path)
    return str(caught.value)


async def test_a_fixture_that_names_everyone_who_receives_passes(runtime: Runtime, tmp_path: Path) -> None:
    steps = ORDER + """\
  - sita: "ACCEPT 1001"
    expect:
      sita: {contains: "You accepted order #1001"}
      ram: {contains: "Sita Traders accepted order #1001"}
  - advance: 1m
  - check:
      order: {actor: ram, status: ACCEPTED, total: 226.80, vendor: sita, lines: {SUGAR-LOOSE: 2 kg},
              history: "PENDING_VENDOR > ACCEPTED", count: 1}
      offers: {order: 1001, vendors: {sita: ACCEPTED}}
      ledger: {actor: ram, outstanding: 226.80, entries: ["ORDER_DEBIT 226.80"]}
      outbox: [{to: sita, count: 2}, {to: ram, contains: "accepted order #1001", count: 1}, {status: dead, count: 0}]
"""
    assert await replay(runtime, fixture(tmp_path, steps)) == 5


async def test_a_message_to_an_actor_the_step_does_not_name_fails(runtime: Runtime, tmp_path: Path) -> None:
    steps = """\
  - ram: "2 kg chini"
    expect:
      ram: {contains: "Your order (draft #1001)"}
  - ram: "yes"
    expect:
      ram: {contains: "Order #1001 confirmed"}
"""
    text = await failure(runtime, fixture(tmp_path, steps, "stray.yml"))
    assert text.startswith("stray.yml: step 2 {'ram': 'yes'}")
    assert "sita: got 1 message(s), but the step expects nothing for sita" in text
    assert "→ sita:" in text and "New order #1001" in text  # the diff shows the stray message itself


async def test_a_step_without_expect_asserts_that_nobody_receives_anything(runtime: Runtime, tmp_path: Path) -> None:
    text = await failure(runtime, fixture(tmp_path, '  - ram: "namaste"\n', "silent.yml"))
    assert text.startswith("silent.yml: step 1 {'ram': 'namaste'}")
    assert "ram: got 1 message(s), but the step expects nothing for ram" in text


async def test_a_message_to_someone_who_is_no_actor_fails(runtime: Runtime, tmp_path: Path) -> None:
    steps = """\
  - sql: "INSERT INTO users (phone, name, role) VALUES ('+9779800000999', 'Night Desk', 'admin')"
  - stranger: "hello"
    expect:
      stranger: {contains: "not registered"}
      ops: {contains: "Unregistered number +9779811111111"}
"""
    text = await failure(runtime, fixture(tmp_path, steps, "outsider.yml"))
    assert "outsider.yml: step 2" in text
    assert "+9779800000999: got 1 message(s), but +9779800000999 is no actor of the fixture" in text


async def test_an_inbound_message_that_fails_fails_the_fixture(runtime: Runtime, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    handle = runtime.dispatcher.handle

    async def breaking(uow: Any, record: Any) -> str:
        if record.body == "boom":
            raise RuntimeError("the handler broke")
        return await handle(uow, record)

    monkeypatch.setattr(runtime.dispatcher, "handle", breaking)
    steps = """\
  - ram: "namaste"
    expect:
      ram: {contains: "Namaste Ram Kirana"}
  - ram: "boom"
    expect:
      ram: none
"""
    text = await failure(runtime, fixture(tmp_path, steps, "unhandled.yml"))
    assert text.startswith("unhandled.yml: step 2 {'ram': 'boom'}")
    assert "ram: inbound message #2 'boom' was not handled: failed (RuntimeError: the handler broke)" in text


@pytest.mark.parametrize("check, problem", [
    ("order: {id: 1001, status: ACCEPTED}", "order #1001: status expected 'ACCEPTED', got 'PENDING_VENDOR'"),
    ("order: {actor: ram, total: 100}", "order #1001: total expected 100, got 226.80"),
    ("order: {id: 1001, vendor: null}", "order #1001: vendor expected None, got sita"),
    ("order: {id: 1001, lines: {SUGAR-LOOSE: 3}}",
     "order #1001: lines expected {'SUGAR-LOOSE': 3}, got {'SUGAR-LOOSE': '2 kg'}"),
    ("order: {id: 1001, history: DELIVERED}", "order #1001: history expected DELIVERED, got PENDING_VENDOR"),
    ("order: {actor: ram, count: 2}", "orders of ram: count expected 2, got 1"),
    ("order: {id: 1999, status: DRAFT}", "order #1999: no such order"),
    ("offers: {order: 1001, vendors: {sita: REJECTED}}",
     "offers of order #1001: sita: status expected 'REJECTED', got 'OFFERED'"),
    ("offers: {order: 1001, vendors: {}}", "offers of order #1001: an offer to sita (OFFERED) the check does not name"),
    ("ledger: {actor: ram, outstanding: 0}", "ledger of ram: outstanding expected 0, got 226.80"),
    ("ledger: {actor: ram, entries: []}", "ledger of ram: entries expected [], got ['ORDER_DEBIT 226.80']"),
    ("stock: {vendor: sita, sku: SUGAR-LOOSE, quantity: 5}", "stock of sita SUGAR-LOOSE: expected 5, got None"),
    ("outbox: {to: ram, count: 5}", "outbox (to 'ram'): count expected 5, got 2"),
    ("audit: {action: 'command /help', count: 1}", "audit 'command /help': count expected 1, got 0"),
    ("payment: {id: 1, status: CONFIRMED}", "payment #1: no such payment"),
    ("sql: {query: 'SELECT count(*) FROM orders', equals: 3}", "sql 'SELECT count(*) FROM orders': expected 3, got 1"),
])
async def test_a_named_check_says_what_differs(runtime: Runtime, tmp_path: Path, check: str, problem: str) -> None:
    text = await failure(runtime, fixture(tmp_path, ORDER + f"  - check:\n      {check}\n", "checks.yml"))
    assert text.startswith("checks.yml: step 3")
    assert f"✗ {problem}" in text


@pytest.mark.parametrize("steps, error", [
    ("  - ram: hi\n    expect:\n      bob: none\n", "expect names unknown actor 'bob'"),
    ("  - ram: hi\n    expect:\n      ram: {contain: x}\n", "expectation for ram: unknown keys ['contain']"),
    ("  - ram: hi\n    sita: hello\n", "needs exactly one of an actor, send, press, advance, check or sql"),
    ("  - advance: soon\n", "advance: "),
    ("  - check:\n      orders: {count: 0}\n", "unknown check 'orders' (known: audit, ledger,"),
    ("  - check:\n      order: {actor: ram, stauts: DRAFT}\n", "check order: unknown keys ['stauts']"),
    ("  - check:\n      order: {actor: sita, status: DRAFT}\n", "check order: actor: sita is a vendor, not a retailer"),
    ("  - check:\n      ledger: {actor: ram}\n", "check ledger: compares nothing"),
    ("  - check:\n      offers: {order: 1001, vendors: {ram: OFFERED}}\n", "check offers: vendors: ram is a retailer"),
    ("  - check:\n      order: {count: 0}\n    expect:\n      ram: none\n", "a check step sends nothing"),
])
def test_a_broken_fixture_is_refused_with_the_step_and_actor(tmp_path: Path, steps: str, error: str) -> None:
    with pytest.raises(FixtureError) as caught:
        load_fixture(fixture(tmp_path, steps, "bad.yml"))
    assert str(caught.value).startswith(f"bad.yml: step 1: {error}")


def test_the_readme_example_follows_the_format(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Conversation fixtures"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml\n") + 8)]
    (tmp_path / "readme.yml").write_text(example, encoding="utf-8")
    assert len(load_fixture(tmp_path / "readme.yml").steps) == 6
