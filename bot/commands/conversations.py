"""`chat --as PHONE` and `replay PATH...`: the bot without WhatsApp, through the same pipeline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.channels.base import OutboundMessage
from bot.commands.people import phone_arg
from bot.config import Config
from bot.local import LocalSession
from bot.runtime import start_runtime
from storage.clock import FakeClock


def register(sub: argparse._SubParsersAction) -> None:
    chat = sub.add_parser("chat", help="chat with the bot in the terminal (reads piped stdin too)")
    chat.add_argument("--as", dest="phone", required=True, type=phone_arg, help="the phone you write as")
    chat.set_defaults(run=run_chat)

    replay = sub.add_parser("replay", help="replay conversation fixtures (YAML) against the full stack")
    replay.add_argument("paths", nargs="+", type=Path, help="fixture files or folders of *.yml")
    replay.add_argument("--yes-wipe", action="store_true",
                        help="empty the database even though it holds data and its name does not say test")
    replay.set_defaults(run=run_replay)


async def run_chat(args: argparse.Namespace, config: Config) -> int:
    runtime = await start_runtime(config, pool_size=4)
    me = args.phone

    def show(message: OutboundMessage) -> None:
        body = message.body.strip()
        if message.recipient == me:
            print("bot> " + body.replace("\n", "\n     "), flush=True)
        else:
            print(f"[to {message.recipient}] " + body.replace("\n", "\n     "), flush=True)

    session = LocalSession(runtime)
    interactive = sys.stdin.isatty()
    try:
        shown = await session.last_outbox_id()
        while True:
            if interactive:
                print("you> ", end="", flush=True)
            line = sys.stdin.readline()
            if not line:
                break
            if line.strip():
                inbound_id = await session.deliver(me, line.rstrip("\n"))
                await session.flush()
                for row_id, message in await session.queued_since(shown, me, inbound_id):
                    show(message)
                    shown = row_id
    except KeyboardInterrupt:
        pass
    finally:
        await runtime.close()
    return 0


async def run_replay(args: argparse.Namespace, config: Config) -> int:
    from testing.database import wipe_refusal  # the fixture runner is no part of what serves traffic
    from testing.replay import replay_paths

    refusal = None if args.yes_wipe else await wipe_refusal(config.secrets.database_url or "")
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    runtime = await start_runtime(config, clock=FakeClock(), pool_size=4, nlu_check_every=0)
    try:
        results = await replay_paths(runtime, args.paths)
    finally:
        await runtime.close()
    failed = [(p, f) for p, f in results if f]
    for path, failure in results:
        print(f"{'FAIL' if failure else 'ok  '} {path}")
    for _, failure in failed:
        print("\n" + (failure or ""))
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0
