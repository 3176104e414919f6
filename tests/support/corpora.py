"""Utterances of the public corpora in ../shared/data (relative to the repository root).

Each corpus keeps only texts that are not grocery orders (none of them is about shopping), so the
share the pipeline calls `order` is its false-order rate.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    """The shared data folder, ../shared/data from the repository root (a worktree under wt/ looks
    one level further up); the first candidate when none exists, so callers can say where they looked."""
    candidates = [REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data"]
    return next((c for c in candidates if (c / "corpora").is_dir()), candidates[0])


def _hinglish_top(root: Path) -> Iterator[str]:
    for name in ("train.tsv", "validation.tsv", "test.tsv"):
        with open(root / "corpora" / "hinglish_top" / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield row.get("cs_query") or ""


def _dstc2_hindi(root: Path) -> Iterator[str]:
    for name in ("trn", "dev", "tst"):
        path = root / "corpora" / "codemixed_dialog_hindi" / "hindi" / f"dialog-dstc2-{name}.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue  # knowledge-base result lines
            user = line.split(" ", 1)[1].split("\t", 1)[0] if " " in line else ""
            if user and user != "<SILENCE>":
                yield user


def _banking77(root: Path) -> Iterator[str]:
    for name in ("train.csv", "test.csv"):
        with open(root / "corpora" / "banking77" / "banking_data" / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield row["text"]


def _hwu64(root: Path) -> Iterator[str]:
    for name in ("train", "valid", "test"):
        yield from (root / "corpora" / "hwu64" / name / "seq.in").read_text(encoding="utf-8").splitlines()


def _snips(root: Path) -> Iterator[str]:
    base = root / "corpora" / "snips_nlu_benchmark" / "2017-06-custom-intent-engines"
    for path in sorted(base.glob("*/*.json")):
        if not ((path.name.startswith("train_") and path.name.endswith("_full.json"))
                or path.name.startswith("validate_")):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")  # a few files hold stray Latin-1 bytes
        for utterances in json.loads(text).values():
            for utterance in utterances:
                yield "".join(chunk["text"] for chunk in utterance["data"])


def _clinc150(root: Path) -> Iterator[str]:
    data = json.loads((root / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    for split in data.values():
        for text, _intent in split:
            yield text


LOADERS: dict[str, Callable[[Path], Iterator[str]]] = {
    "hinglish_top": _hinglish_top, "dstc2_hindi": _dstc2_hindi, "banking77": _banking77,
    "hwu64": _hwu64, "snips": _snips, "clinc150": _clinc150,
}


def load_corpora(root: Path | None = None) -> dict[str, list[str]]:
    """Distinct non-empty utterances of every corpus, in file order."""
    root = root or shared_data()
    return {name: list(dict.fromkeys(t for t in load(root) if t.strip())) for name, load in LOADERS.items()}


def sample(texts: list[str], n: int) -> list[str]:
    """n texts spread evenly over the list (deterministic)."""
    if len(texts) <= n:
        return list(texts)
    step = len(texts) / n
    return [texts[int(i * step)] for i in range(n)]
