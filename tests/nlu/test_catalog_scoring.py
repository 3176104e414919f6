"""The catalogue index's word-coverage penalty, batched over products, is the per-word rule."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from rapidfuzz import fuzz

from nlu.catalog_index import CatalogIndex, key_skeleton

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from catalog_scale import query_for, synthetic


def _share(index: CatalogIndex, q_pairs: list[tuple[str, str]], vocabulary: tuple[tuple[str, str], ...]) -> float:
    total = missing = 0.0
    for word, skel in q_pairs:
        weight = index._idf(skel)
        total += weight
        if not any(skel == s or fuzz.ratio(word, w) >= 75 for w, s in vocabulary):
            missing += weight
    return missing / total if total else 0.0


def _vocabulary(index: CatalogIndex, product: int) -> tuple[tuple[str, str], ...]:
    seg = index._base
    keys = seg.member_keys[seg.member_offsets[product]:seg.member_offsets[product + 1]].tolist()
    return tuple(dict.fromkeys(pair for k in keys for pair in zip(seg.key_text[k].split(), seg.key_skel[k].split(),
                                                                    strict=True)))


def test_unexplained_share_of_each_product() -> None:
    products, words = synthetic(2_000, seed=6)
    index = CatalogIndex(products)
    rng = random.Random(1)
    checked = 0
    for target in rng.sample(range(len(products)), 60):
        query = index.query_words(query_for(words[target], rng))
        q_pairs = list(dict.fromkeys(zip(query.split(), key_skeleton(query).split(), strict=True)))
        picked = [target, *rng.sample(range(len(products)), 20)]
        vocabularies = index._vocabularies_of(picked)
        assert vocabularies == [_vocabulary(index, p) for p in picked]
        shares = index._unexplained(q_pairs, vocabularies)
        expected = [_share(index, q_pairs, v) for v in vocabularies]
        assert shares == expected
        checked += sum(0 < x < 1 for x in expected)
    assert checked  # some products say part of a query, not nothing or all of it
