"""The trigram arrays of the catalogue index agree with each key's text."""

from __future__ import annotations

import random
import string
import sys
from pathlib import Path

import numpy as np

from nlu import _trigrams
from nlu.catalog_index import CatalogIndex, _key_trigrams, _overlap, key_skeleton

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from catalog_scale import query_for, synthetic

_PLAIN = set(string.ascii_lowercase + string.digits)


def _letter(c: str) -> int:
    return 0 if c == " " else ord(c) - 96 if "a" <= c <= "z" else ord(c) - 21 if "0" <= c <= "9" else 37


def _codes(text: str, skel: str) -> set[int]:
    """The trigram codes of a key, worked out here on its own: both spellings, words joined, padded."""
    padded = [f" {s} " for s in ("".join(c for c in text if c in _PLAIN), skel.replace(" ", ""))]
    return {(_letter(a) * 38 + _letter(b)) * 38 + _letter(c)
            for p in padded for a, b, c in zip(p, p[1:], p[2:], strict=False)}


def test_odd_characters_are_one_other_letter_each() -> None:
    texts, skels = ["cheeni", "wai-wai 2.5", "x", "चिनी"], ["चिनी", "waiwai 2.5", "ks", "c?n"]
    tris, ntri = _key_trigrams(texts, skels)
    ends = np.cumsum(ntri)
    for text, skel, end, n in zip(texts, skels, ends.tolist(), ntri.tolist(), strict=True):
        assert tris[end - n:end].tolist() == sorted(_codes(text, skel))


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
        codes = np.array(sorted(wanted), dtype=np.uint16)
        shortlisted, _ = index._shortlist(seg, query, key_skeleton(query))
        keys = np.unique(np.concatenate((shortlisted, rng.sample(range(seg.nkeys), 50)))).astype(np.int32)
        counted = _overlap(seg, codes, keys)
        expected = [len(wanted & _codes(seg.key_text[k], seg.key_skel[k])) for k in keys.tolist()]
        assert counted.tolist() == expected
        assert max(expected) >= len(wanted) // 2  # the shortlist's keys do share the query's trigrams


def test_the_candidates_are_the_keys_of_most_hits() -> None:
    rng = random.Random(8)
    for _ in range(200):
        counts = {k: rng.randint(1, 6) for k in rng.sample(range(10_000), rng.randint(1, 400))}
        lists: list[list[int]] = [[] for _ in range(6)]  # each key in as many lists as its hits
        for k, n in counts.items():
            for i in rng.sample(range(6), n):
                lists[i].append(k)
        postings = np.array([k for keys in lists for k in sorted(keys)], dtype=np.int32)
        ends = np.cumsum([len(keys) for keys in lists]).astype(np.int64)
        budget = rng.randint(1, 600)
        scratch = np.zeros(rng.choice([10_000, 1_000_000]), dtype=np.uint8)  # cleared whole, or key by key
        out = np.empty(budget, dtype=np.int32)
        found = out[:_trigrams.rare_candidates(postings, ends - [len(keys) for keys in lists], ends, scratch,
                                               budget, out)].tolist()
        assert not scratch.any()  # left as found for the next query
        taken = sorted(set(found))
        assert len(taken) == len(found)
        if sum(counts.values()) <= budget:
            assert taken == sorted(counts)
            continue
        places = sum(counts[k] for k in taken)
        least = min(counts[k] for k in taken)
        assert budget <= places < budget + least  # the places are filled, by no key more than needed
        assert all(counts[k] <= least for k in counts if k not in taken)  # nobody left out beats one taken
        tied_out = [k for k in counts if k not in taken and counts[k] == least]
        assert all(k < min(tied_out) for k in taken if counts[k] == least) if tied_out else True
