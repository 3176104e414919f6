"""The `khaacho` command."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import sys
from collections.abc import Sequence

from bot.commands import apikey, catalog, conversations, delivery, people, prices, runtime_cmds, seed, stock
from bot.commands.nlu_cmds import default_catalog
from bot.config import ConfigError, load_config
from bot.logs import setup_logging
from storage.embedded import ensure_services


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="khaacho", description="WhatsApp ordering for grocery wholesale")
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING (default), ERROR")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (runtime_cmds, seed, catalog, people, conversations, apikey, stock, delivery, prices):
        module.register(sub)
    _register_nlu(sub)
    return parser


def _register_nlu(sub: argparse._SubParsersAction) -> None:
    from bot.commands.nlu_cmds import register

    register(sub)


def _needs_services(args: argparse.Namespace) -> bool:
    """NLU commands given a catalogue file never touch PostgreSQL or Redis."""
    if args.command == "parse":
        return not args.catalog
    if args.command == "nlu":
        return getattr(args, "action", None) == "eval" and not args.catalog
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = "INFO" if args.command in {"serve", "worker", "run"} and args.log_level == "WARNING" \
        else args.log_level
    setup_logging(level.upper())
    default_catalog(args)
    if _needs_services(args):
        services = ensure_services()
        if services.embedded:
            print(f"using embedded {' and '.join(services.embedded)} under ./var/ "
                  "(set DATABASE_URL / REDIS_URL to use your own)", flush=True)
    try:
        config = load_config()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"config error: {problem}", file=sys.stderr)
        return 2
    try:
        if getattr(args, "sync", False):
            return int(args.run(args, config) or 0)
        result = args.run(args, config)
        return int((asyncio.run(result) if inspect.isawaitable(result) else result) or 0)
    except people.UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        logging.getLogger(__name__).debug("failed", exc_info=True)
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
