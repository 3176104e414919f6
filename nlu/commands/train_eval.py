"""`khaacho nlu train` and `khaacho nlu eval`: train the intent model, measure the pipeline."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from nlu.intent import train_from_files
from nlu.metrics import Item, intent_metrics, item_metrics
from nlu.rasa_data import load_nlu_files

MakePipeline = Callable[[Path | None, Path | None], Any]
OOS = "out_of_scope"


def register(subparsers: argparse._SubParsersAction, make_pipeline: MakePipeline) -> None:
    parser = subparsers.add_parser("nlu", help="train and evaluate the NLU")
    actions = parser.add_subparsers(dest="action", required=True)

    tr = actions.add_parser("train", help="train the intent model from Rasa NLU YAML files")
    tr.add_argument("--data", type=Path, nargs="+", required=True, help="Rasa NLU YAML file(s)")
    tr.add_argument("--out", type=Path, required=True, help="folder to write the model to")
    tr.add_argument("--threshold", type=float, help="confidence below which the answer is out_of_scope"
                    " (default: chosen by cross-validation on the training data)")
    tr.set_defaults(run=lambda args, _config: run_train(args), sync=True)

    ev = actions.add_parser("eval", help="measure intents (Rasa YAML) or intents and items (JSONL)")
    ev.add_argument("--data", type=Path, required=True, help="Rasa NLU YAML, or JSONL {text, intent, items}")
    ev.add_argument("--model", type=Path, help="trained model folder (default: the product's model)")
    ev.add_argument("--catalog", type=Path, help="catalogue CSV (default: the database's products for"
                    " JSONL data, the demo catalogue for intent-only data)")
    ev.add_argument("--threshold", type=float, help="intent confidence threshold to evaluate at")
    ev.add_argument("--oos-label", default=OOS, help="the out-of-scope intent of the test data")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.set_defaults(run=lambda args, _config: run_eval(args, make_pipeline), sync=True)


def run_train(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    opts = {} if args.threshold is None else {"threshold": args.threshold}
    model = train_from_files(args.data, **opts)
    model.save(args.out)
    out.write(json.dumps({"out": str(args.out), "labels": model.labels, "threshold": model.threshold,
                          **model.info}) + "\n")
    return 0


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError(f"{path}:{number}: expected an object with a 'text'")
            yield row


def _items(raw: Any) -> list[Item]:
    return [Item(i.get("sku"), None if i.get("quantity") is None else float(i["quantity"]), i.get("unit"))
            for i in raw or []]


def _converter() -> Callable[[float, str, str], float | None]:
    from nlu.units import default_units  # the units table lives with the item parser

    table = default_units()

    def convert(value: float, source: str, target: str) -> float | None:
        unit = table.unit(source) or table.lookup(source)
        return table.convert(value, unit, target) if unit else None

    return convert


def evaluate(pipeline: Any, rows: list[dict[str, Any]], oos_label: str, with_items: bool) -> dict[str, Any]:
    """Metrics of ``pipeline.parse`` over rows of {text, intent[, items]}."""
    gold_intents, pred_intents, gold_items, pred_items = [], [], [], []
    for row in rows:
        parse = pipeline.parse(row["text"])
        gold_intents.append(row["intent"])
        pred_intents.append(oos_label if parse.intent == OOS else parse.intent)
        if with_items:
            gold_items.append(_items(row.get("items")))
            pred_items.append([Item(i.sku, i.quantity, i.unit) for i in parse.items])
    result: dict[str, Any] = intent_metrics(gold_intents, pred_intents, oos_label)
    if with_items:
        result.update(item_metrics(gold_items, pred_items, _converter()))
    return result


def scores_items(data: Path) -> bool:
    """JSONL rows carry items to score; Rasa YAML carries intents only."""
    return data.suffix.lower() in (".jsonl", ".ndjson", ".json")


def run_eval(args: argparse.Namespace, make_pipeline: MakePipeline, out: TextIO = sys.stdout) -> int:
    jsonl = scores_items(args.data)
    if jsonl:
        rows = list(read_jsonl(args.data))
    else:
        rows = [{"text": t, "intent": i} for t, i in load_nlu_files([args.data]).pairs]
    pipeline = make_pipeline(args.model, args.catalog)
    if args.threshold is not None:
        pipeline.threshold = args.threshold
        classifier = getattr(pipeline, "classifier", None)
        if classifier is not None and hasattr(classifier, "threshold"):
            classifier.threshold = args.threshold
    result = evaluate(pipeline, rows, args.oos_label, jsonl)
    result["threshold"] = getattr(pipeline, "threshold", None)
    if args.json:
        out.write(json.dumps(result) + "\n")
    else:
        for key, value in result.items():
            out.write(f"{key:>18}: {value:.4f}\n" if isinstance(value, float) else f"{key:>18}: {value}\n")
    return 0
