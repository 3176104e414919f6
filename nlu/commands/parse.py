"""`khaacho parse TEXT | --file FILE [--catalog FILE.csv] [--json]`: what the NLU makes of messages."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from domain.catalog import Product
from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.pipeline import IntentPredictor, NluPipeline
from nlu.types import Parse, ParsedItem


def register(subparsers: argparse._SubParsersAction, load_db_products: Callable[[], list[Product]],
             configured_threshold: Callable[[], float | None] = lambda: None) -> None:
    parser = subparsers.add_parser("parse", help="show what the NLU understands in a message")
    parser.add_argument("text", nargs="?", help="the message (or use --file)")
    parser.add_argument("--file", type=Path, help="one message per line, or JSONL with a 'text' field")
    parser.add_argument("--catalog", type=Path, help="catalogue CSV (default: the database's products)")
    parser.add_argument("--json", action="store_true", help="one JSON object per message")
    parser.add_argument("--no-intent", action="store_true", help="skip the intent model (rules only)")
    parser.set_defaults(run=lambda args, _config: run(args, load_db_products, configured_threshold()), sync=True)


def run(args: argparse.Namespace, load_db_products: Callable[[], list[Product]],
        threshold: float | None = None, out: TextIO = sys.stdout) -> int:
    """Parse as the product does: the same intent threshold (config.yml's, else the model's own)."""
    if (args.text is None) == (args.file is None):
        print("error: give a message TEXT or --file FILE", file=sys.stderr)
        return 2
    if args.catalog:
        products, errors = read_catalog_csv(args.catalog)
        for line, error in errors:
            print(f"{args.catalog}:{line}: skipped: {error}", file=sys.stderr)
    else:
        products = load_db_products()
    pipeline = NluPipeline(None if args.no_intent else _classifier(), CatalogIndex(products), threshold=threshold)
    messages = [args.text] if args.text is not None else list(read_messages(args.file))
    for message in messages:
        parse = pipeline.parse(message)
        out.write((json.dumps(to_json(parse), ensure_ascii=False) if args.json else describe(parse)) + "\n")
    return 0


def _classifier() -> IntentPredictor | None:
    """The trained intent model, or None (rules only) if the model cannot be loaded."""
    try:
        from nlu.intent import load_or_train
    except ImportError:
        print("warning: no intent model available; intents come from rules only", file=sys.stderr)
        return None
    return load_or_train()


def read_messages(path: Path) -> Iterator[str]:
    """Messages of a file: plain lines, or JSONL lines whose "text" field is the message."""
    # newline="\n": a message may hold \r or U+2028 but is still one line; bad bytes become U+FFFD
    with open(path, encoding="utf-8", errors="replace", newline="\n") as handle:
        for line in handle:
            line = line.removesuffix("\n").removesuffix("\r")
            if not line.strip():
                continue
            if line.lstrip().startswith("{"):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    yield line
                    continue
                yield str(record.get("text", ""))
            else:
                yield line


def _item_json(item: ParsedItem) -> dict[str, Any]:
    return {k: v for k, v in asdict(item).items() if k != "text"} | {"span": item.text}


def to_json(parse: Parse) -> dict[str, Any]:
    question = parse.question
    return {
        "text": parse.text, "language": parse.language, "intent": parse.intent,
        "confidence": parse.confidence, "entities": parse.entities,
        "items": [_item_json(item) for item in parse.items],
    } | ({"question": {"intent": question.intent, "items": [_item_json(i) for i in question.items]}}
         if question else {})


def _item_line(item: ParsedItem) -> str:
    what = item.name or ("ask: " + " / ".join(c.name for c in item.candidates[:3]) if item.candidates
                         else "unknown")
    qty = "" if item.quantity is None else f"{item.quantity:g} {item.unit or ''} "
    return f"  - {qty}{what}  [{item.sku or '?'} score {item.score:.0f}]  from {item.text!r}"


def describe(parse: Parse) -> str:
    lines = [f"{parse.text!r}: {parse.intent} ({parse.confidence:.2f}), language {parse.language}"]
    lines += [_item_line(item) for item in parse.items]
    if parse.question:
        lines.append(f"  also asks ({parse.question.intent}):")
        lines += ["  " + _item_line(item) for item in parse.question.items]
    if parse.entities:
        lines.append(f"  entities: {parse.entities}")
    return "\n".join(lines)
