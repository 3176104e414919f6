"""The trigram arrays of the catalogue index agree with each key's text."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

from nlu.catalog_index import CatalogIndex, _most_hits, _pack, _trigram_codes, key_skeleton

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from catalog_scale import query_for, synthetic


def _codes(text: str, skel: str) -> set[int]:
    codes, valid = _trigram_codes(np.frombuffer(_pack(text, skel).encode("ascii", "replace"), dtype=np.uint8))
    return set(codes[valid].tolist())


def test_each_key_lists_its_trigrams_and_overlaps_count_them() -> None:
    products, words = synthetic(3_000, seed=2)
    index = CatalogIndex(products)
    seg = index._base
    rng = random.Random(4)
    for k in rng.sample(range(seg.nkeys), 300):
        own = seg.key_tris[seg.key_tri_offsets[k]:seg.key_tri_offsets[k + 1]].tolist()
        assert own == sorted(_codes(seg.key_text[k], seg.key_skel[k]))
        assert seg.ntri[k] == len(own)
    for words_of in rng.sample(words, 40):
        query = index.query_words(query_for(words_of, rng))
        wanted = _codes(query, key_skeleton(query))
        codes = np.array(sorted(wanted), dtype=np.int64)
        shortlisted, _ = index._shortlist(seg, query, key_skeleton(query))
        keys = np.unique(np.concatenate((shortlisted, rng.sample(range(seg.nkeys), 50)))).astype(np.int32)
        counted = index._overlap(seg, codes, keys)
        expected = [len(wanted & _codes(seg.key_text[k], seg.key_skel[k])) for k in keys.tolist()]
        assert counted.tolist() == expected
        assert max(expected) >= len(wanted) // 2  # the shortlist's keys do share the query's trigrams


def test_the_candidates_are_the_keys_of_most_hits() -> None:
    rng = random.Random(8)
    for _ in range(200):
        counts = {k: rng.randint(1, 6) for k in rng.sample(range(10_000), rng.randint(1, 400))}
        listed = [k for k, n in counts.items() for _ in range(n)]  # each key once per hit, in any order
        rng.shuffle(listed)
        budget = rng.randint(1, 600)
        taken = _most_hits(np.array(listed, dtype=np.int32), np.array([counts[k] for k in listed], dtype=np.uint8),
                           budget).tolist()
        assert taken == sorted(set(taken))
        if sum(counts.values()) <= budget:
            assert taken == sorted(counts)
            continue
        places = sum(counts[k] for k in taken)
        least = min(counts[k] for k in taken)
        assert budget <= places < budget + least  # the places are filled, by no key more than needed
        assert all(counts[k] <= least for k in counts if k not in taken)  # nobody left out beats one taken
        tied_out = [k for k in counts if k not in taken and counts[k] == least]
        assert all(k < min(tied_out) for k in taken if counts[k] == least) if tied_out else True
