"""The catalogue index's word coverage (re-rank) and its unexplained-word penalty, batched over keys
and products, are the per-word rules."""

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


def _coverage(index: CatalogIndex, q_pairs: list[tuple[str, str]], k_pairs: list[tuple[str, str]]) -> float:
    """Word by word: the IDF-weighted share of query words found in the key, and of key words used."""
    def alike(a: tuple[str, str], b: tuple[str, str]) -> float:
        r = fuzz.ratio(a[0], b[0]) / 100.0
        return 1.0 if a[1] == b[1] else r if r >= 0.75 else 0.0

    q_total = q_found = 0.0
    used: set[int] = set()
    for q in dict.fromkeys(q_pairs):
        sims = [alike(q, k) for k in k_pairs]
        q_total += index._idf(q[1])
        q_found += index._idf(q[1]) * max(sims, default=0.0)
        used.update(i for i, v in enumerate(sims) if v > 0)
    k_total = sum(index._idf(sk) for _, sk in k_pairs)
    k_found = sum(index._idf(sk) for i, (_, sk) in enumerate(k_pairs) if i in used)
    if not q_total or not k_total:
        return 0.0
    return 100.0 * ((q_found / q_total) ** 0.7) * ((k_found / k_total) ** 0.3)


def test_coverage_of_each_key() -> None:
    products, words = synthetic(2_000, seed=7)
    index = CatalogIndex(products)
    seg = index._base
    rng = random.Random(3)
    partial = 0
    for target in rng.sample(range(len(products)), 60):
        query = index.query_words(query_for(words[target], rng))
        q_pairs = list(zip(query.split(), key_skeleton(query).split(), strict=True))
        q_pairs += rng.sample(q_pairs, rng.randint(0, 1))  # a word said twice counts once
        keys = [list(zip(seg.key_text[k].split(), seg.key_skel[k].split(), strict=True))
                for k in rng.sample(range(seg.nkeys), 8)]
        keys[0] = keys[0] + keys[0][:1]  # a key saying a word twice weighs it twice
        expected = [_coverage(index, q_pairs, k) for k in keys]
        assert index._coverages(q_pairs, keys) == expected
        partial += sum(0 < x < 100 for x in expected)
    assert partial
    assert index._coverages([("chamal", "cml")], []) == []
