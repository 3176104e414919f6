"""Item precision/recall/F1 of SKU matching on the real-style catalogue, this tree vs. main.

    .venv/bin/python bench/sku_matching.py [--baseline /work/main] [--errors dev] [--parts dev,test]

Reads bench/data/sku_catalog.csv and the order parts: dev and test (bench/make_sku_set.py) and test2
(typed by hand, bench/data/README.md). An item is right when its SKU and quantity match the gold
line. The baseline is the matcher of another checkout (main), run in a subprocess on the same files
in the same run. Tune on dev only: errors are printed for dev alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SPLITS = ("dev", "test", "test2")


def _score(root: Path, errors: str | None, parts: tuple[str, ...] = SPLITS) -> dict[str, dict[str, float]]:
    sys.path.insert(0, str(root))
    from nlu.catalog_csv import read_catalog_csv
    from nlu.catalog_index import CatalogIndex
    from nlu.metrics import matched_items
    from nlu.normalize import prepare
    from nlu.pipeline import NluPipeline

    started = time.perf_counter()
    pipeline = NluPipeline(None, CatalogIndex(read_catalog_csv(DATA / "sku_catalog.csv")[0]))
    build = time.perf_counter() - started
    out: dict[str, dict[str, float]] = {}
    for split in parts:
        if not (DATA / f"sku_orders_{split}.jsonl").exists():
            continue
        rows = [json.loads(x) for x in (DATA / f"sku_orders_{split}.jsonl").read_text("utf-8").splitlines()]
        tp = n_pred = n_gold = asked = 0
        for row in rows:
            items = pipeline.items(prepare(row["text"]))

            def same(g: dict, i: object) -> bool:
                q = getattr(i, "quantity", None)
                return g["sku"] == getattr(i, "sku", None) and q is not None and abs(q - g["quantity"]) < 1e-6

            hits = matched_items(row["items"], items, same)
            tp, n_pred, n_gold = tp + hits, n_pred + len(items), n_gold + len(row["items"])
            asked += sum(bool(i.ambiguous) for i in items)
            if errors == split and (hits < len(row["items"]) or len(items) != len(row["items"])):
                got = [(i.sku, i.quantity, [c.name for c in i.candidates][:2]) for i in items]
                print(f"{row['text']!r}\n  want {[(g['sku'], g['quantity']) for g in row['items']]}\n  got  {got}",
                      file=sys.stderr)
        p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
        out[split] = {"P": p, "R": r, "F1": 2 * p * r / max(p + r, 1e-9), "asked": asked, "lines": n_gold}
    out["build_s"] = {"s": build}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", type=Path, default=Path("/work/main"))
    ap.add_argument("--root", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--errors", choices=("dev",), default=None)
    ap.add_argument("--parts", default=",".join(SPLITS), help="the order parts scored, e.g. dev,test")
    args = ap.parse_args()
    parts = tuple(p for p in args.parts.split(",") if p in SPLITS)
    if args.root is not None:  # the baseline's run, in its own process
        print(json.dumps(_score(args.root, None, parts)))
        return 0
    base = json.loads(subprocess.run([sys.executable, __file__, "--root", str(args.baseline), "--parts",
                                      ",".join(parts)], check=True, capture_output=True, text=True,
                                     cwd=args.baseline).stdout)
    ours = _score(HERE.parent, args.errors, parts)
    print(f"catalogue {DATA / 'sku_catalog.csv'} (index build: baseline {base['build_s']['s']:.2f} s, "
          f"this tree {ours['build_s']['s']:.2f} s)")
    print(f"{'split':6} {'matcher':9} {'P':>6} {'R':>6} {'F1':>6} {'asked':>6} lines")
    for split in (s for s in SPLITS if s in ours):
        for name, res in (("baseline", base[split]), ("this", ours[split])):
            print(f"{split:6} {name:9} {res['P']:6.3f} {res['R']:6.3f} {res['F1']:6.3f} {res['asked']:6d} "
                  f"{res['lines']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
