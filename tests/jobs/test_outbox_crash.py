"""Kill the worker mid-send: a second worker settles what the first left `sending` by asking Twilio,
and every message reaches Twilio exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG
from storage.db import connect, migrate
from tests.support.processes import ROOT, khaacho_processes

RECIPIENTS = [f"+9779811{i:06d}" for i in range(40)]
PER_RECIPIENT = 10


def _config(tmp_path: Path) -> Path:
    """config.yml with a 2-second stale threshold, so the test need not wait a minute."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert "stale_after: 1m" in text
    path = tmp_path / "config.yml"
    path.write_text(text.replace("stale_after: 1m", "stale_after: 2s"), encoding="utf-8")
    return path


async def _queue() -> set[tuple[str, str]]:
    conn = await connect(os.environ["DATABASE_URL"])
    try:
        await migrate(conn)
        await conn.execute("TRUNCATE inbound_messages, inbound_message_ids, outbound_messages CASCADE")
        # each recipient wrote a minute ago: WhatsApp's 24-hour window is open for free text
        await conn.executemany("INSERT INTO inbound_messages (provider, provider_id, phone, status, received_at)"
                               " VALUES ('twilio', $1, $1, 'done', now() - interval '1 minute')",
                               [(to,) for to in RECIPIENTS])
        rows = [(to, f"message {n} for {to}") for n in range(PER_RECIPIENT) for to in RECIPIENTS]
        await conn.executemany("INSERT INTO outbound_messages (recipient, body, next_attempt_at, created_at)"
                               " VALUES ($1, $2, now(), now())", rows)
        return {("whatsapp:" + to, body) for to, body in rows}
    finally:
        await conn.close()


async def _statuses() -> Counter[str]:
    conn = await connect(os.environ["DATABASE_URL"])
    try:
        return Counter({r["status"]: r["n"] for r in await conn.fetch(
            "SELECT status, count(*) AS n FROM outbound_messages GROUP BY status")})
    finally:
        await conn.close()


async def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.1)


@pytest.mark.timeout(240)
async def test_sigkill_mid_sending_loses_nothing_and_sends_nothing_twice(stub, tmp_path) -> None:
    expected = await _queue()
    stub.delay = 1.5  # each send is in flight for 1.5 s: a kill always catches some, even on a loaded machine
    env = {**os.environ, "TWILIO_API_BASE_URL": stub.base_url, "KHAACHO_CONFIG": str(_config(tmp_path))}
    log = (tmp_path / "first.log").open("w")
    first = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=ROOT, stdout=log,
                             stderr=subprocess.STDOUT)
    try:
        async def some_sent() -> bool:
            if first.poll() is not None:
                raise RuntimeError("the worker exited: " + (tmp_path / "first.log").read_text()[-2000:])
            # the first round is recorded `sent` and the next is marked `sending`: in flight at the stub for
            # 1.5 s, so the kill lands mid-send (a `sending` count alone may still be the first round's)
            statuses = await _statuses()
            return statuses["sent"] >= len(RECIPIENTS) and statuses["sending"] > 0
        await _wait(some_sent, 120, "the first worker never had a second round in flight")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        log.close()
    await asyncio.sleep(2.0)  # requests already in flight at the stub finish (or not) now
    at_kill = await _statuses()
    assert at_kill["sending"] > 0, f"killed between batches, nothing in flight: {at_kill}"
    assert len(stub.messages) < len(expected), "killed too late: everything was sent"

    with khaacho_processes({"TWILIO_API_BASE_URL": stub.base_url, "KHAACHO_CONFIG": env["KHAACHO_CONFIG"]},
                           servers=0, workers=1, log_dir=tmp_path):
        async def all_sent() -> bool:
            return (await _statuses())["sent"] == len(expected)
        await _wait(all_sent, 120, f"not everything was sent: {await _statuses()}")
        await asyncio.sleep(1.0)  # nothing more should arrive
    received = Counter((m.to, m.body) for m in stub.messages)
    assert set(received) == expected, "every message reached Twilio"
    assert [k for k, n in received.items() if n > 1] == [], "and none twice"
    for to in RECIPIENTS:
        numbers = [int(m.body.split()[1]) for m in stub.messages if m.to == "whatsapp:" + to]
        assert numbers == sorted(numbers), f"{to} got messages out of order"
