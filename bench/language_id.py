"""Language identification accuracy on the labelled shop messages in data/eval/language_id.jsonl.

Prints accuracy per language (en, ne, ne-deva, hi, hi-deva) on one split, the confusions, and how often a
Roman Hindi guess is confident (the dispatcher answers in Hindi only then). The rules in nlu/normalize.py
were tuned on the dev half; the test half is the held-out measure.

    .venv/bin/python bench/language_id.py            # held-out half
    .venv/bin/python bench/language_id.py --split dev --errors
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlu.normalize import guess_language

DATA = Path(__file__).resolve().parent.parent / "data" / "eval" / "language_id.jsonl"


def load(split: str) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test")
    parser.add_argument("--errors", action="store_true", help="list the misclassified messages")
    args = parser.parse_args(argv)
    rows = load(args.split)
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    confused: Counter[tuple[str, str]] = Counter()
    confident_hindi = 0
    errors = []
    for row in rows:
        guess = guess_language(row["text"])
        total[row["language"]] += 1
        if guess.language == row["language"]:
            right[row["language"]] += 1
            confident_hindi += row["language"] == "hi" and guess.confident
        else:
            confused[(row["language"], guess.language)] += 1
            errors.append((row["language"], guess.language, row["text"]))
    print(f"language id on the {args.split} split of {DATA.name} ({len(rows)} messages)")
    for language in sorted(total):
        print(f"  {language:8} {right[language] / total[language]:6.1%}  ({right[language]}/{total[language]})")
    print(f"  {'overall':8} {sum(right.values()) / len(rows):6.1%}")
    if total["hi"]:
        print(f"  Roman Hindi answered in Hindi (right and confident): {confident_hindi / total['hi']:.1%}")
    for (gold, guessed), count in confused.most_common():
        print(f"  {gold} taken as {guessed}: {count}")
    if args.errors:
        for gold, guessed, text in errors:
            print(f"  [{gold} -> {guessed}] {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
