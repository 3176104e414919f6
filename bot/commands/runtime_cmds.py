"""`serve`, `worker`, `run`, `db migrate`: the processes of the product."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time

import uvloop
from aiohttp import web

from bot.app import create_app
from bot.channels.console import delivers_to_console
from bot.commands.seed import seed_demo
from bot.config import Config
from storage.db import connect, migrate
from storage.embedded import embedded_services, stop_embedded_postgres


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="the webhook server")
    serve.add_argument("--port", type=int, help="default: web.port in config.yml")
    serve.add_argument("--host", default="0.0.0.0")
    serve.set_defaults(run=run_serve, sync=True)

    worker = sub.add_parser("worker", help="the background worker (arq)")
    worker.set_defaults(run=run_worker, sync=True)

    run = sub.add_parser("run", help="migrate, seed the demo, then the server and the worker together")
    run.add_argument("--port", type=int, help="default: web.port in config.yml")
    run.add_argument("--no-seed", action="store_true", help="skip the demo data")
    run.set_defaults(run=run_all, sync=True)

    db = sub.add_parser("db", help="database tasks").add_subparsers(dest="action", required=True)
    mig = db.add_parser("migrate", help="apply pending SQL migrations (idempotent)")
    mig.set_defaults(run=run_migrate)


async def run_migrate(args: argparse.Namespace, config: Config) -> int:
    conn = await connect(config.secrets.database_url or "")
    try:
        applied = await migrate(conn)
    finally:
        await conn.close()
    print("applied: " + ", ".join(applied) if applied else "database is up to date")
    return 0


def run_serve(args: argparse.Namespace, config: Config) -> int:
    port = args.port or config.web.port
    print(f"serving on http://{args.host}:{port} (POST /webhooks/twilio, GET /health)", flush=True)
    print(console_urls(config, port), flush=True)
    web.run_app(create_app(config), host=args.host, port=port, print=None, access_log=None,
                loop=uvloop.new_event_loop())
    return 0


def run_worker(args: argparse.Namespace, config: Config) -> int:
    from bot.worker import run

    asyncio.set_event_loop(uvloop.new_event_loop())
    run(config.secrets.redis_target)
    return 0


def run_all(args: argparse.Namespace, config: Config) -> int:
    """The demo: one command gives a database with data, a server and a worker."""
    print(delivery_line(config), flush=True)
    url = config.secrets.database_url or ""
    asyncio.run(_prepare(url, seed=not args.no_seed))
    exe = [sys.executable, "-m", "bot.cli"]
    port = str(args.port or config.web.port)
    children = [subprocess.Popen([*exe, "serve", "--port", port], env=os.environ.copy()),
                subprocess.Popen([*exe, "worker"], env=os.environ.copy())]
    print(f"khaacho is running: webhook http://127.0.0.1:{port}/webhooks/twilio — Ctrl-C stops it",
          flush=True)
    print(console_urls(config, int(port)), flush=True)

    def stop(*_: object) -> None:
        for child in children:
            child.terminate()
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        stop()
        for child in children:
            child.wait(timeout=15)
        if "postgresql" in embedded_services():  # started for this demo: stopped with it
            stop_embedded_postgres()
    return max(child.returncode or 0 for child in children)


def console_urls(config: Config, port: int) -> str:
    """The web console's two addresses, said where the server starts."""
    simulator = (f"simulator http://127.0.0.1:{port}/" if config.web.simulator
                 else "simulator off (web.simulator: false)")
    return f"{simulator} · operators' dashboard http://127.0.0.1:{port}/admin"


def delivery_line(config: Config) -> str:
    """Where the demo's replies go, said before anything else."""
    if delivers_to_console(config):
        return ("no TWILIO_AUTH_TOKEN: replies are delivered to the console, not WhatsApp"
                " (`console delivery` lines in this log; `khaacho chat --as PHONE` shows them too)")
    if config.channels.outbound == "meta":
        return "replies are sent through the Meta Cloud API"
    return "replies are sent through Twilio"


async def _prepare(database_url: str, *, seed: bool) -> None:
    conn = await connect(database_url)
    try:
        applied = await migrate(conn)
    finally:
        await conn.close()
    print(f"database ready ({len(applied)} migrations applied)", flush=True)
    if seed:
        counts = await seed_demo(database_url)
        print("demo data: " + ", ".join(f"{n} {k}" for k, n in counts.items()), flush=True)
