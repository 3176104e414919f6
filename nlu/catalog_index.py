"""In-memory catalogue index: exact key lookup, trigram shortlist, rapidfuzz re-ranking.

Every product gets several keys (name, aliases, brand) reduced to product words (sizes and unit
words removed, see quantities.key_words). A query is looked up exactly first (hash array +
binary search); otherwise a character-trigram inverted index over phonetic skeletons, held in
numpy CSR arrays, shortlists keys cheaply — the rarest trigrams first under a postings budget, then
each candidate's overlap counted in its own trigram list, both loops in C (nlu/_trigrams.c) — and
rapidfuzz re-scores only that shortlist. Names are keyed by nlu.catalog_keys.NameKeyer. This
keeps one query to a few milliseconds even with a million SKUs, where scoring every name with
rapidfuzz takes ~0.5 s.

Keys live in segments: the base one, built from the whole catalogue, and a small delta one for
products added or changed since (CatalogIndex.apply). A changed or removed product is marked dead
in the segment that held it, so a change of 1,000 SKUs costs keying those 1,000 and re-indexing the
delta, not a rebuild; once the delta or the dead grow large, apply rebuilds the whole index.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import math
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from domain.catalog import Product
from nlu import _trigrams
from nlu.catalog_keys import Key, NameKeyer, key_skeleton
from nlu.normalize import prepare, tokenize
from nlu.packs import multipack_count
from nlu.quantities import key_words
from nlu.units import MASS, UnitTable, default_units

log = logging.getLogger(__name__)

_TRIGRAMS = 38**3  # trigram codes over pad/space, a-z, 0-9, other (nlu/_trigrams.c): they fit 16 bits
_SIZED_ALIAS_PENALTY = 8.0  # alias "tokla 1 kg" should not win when no size was said
_SKELETON_EXACT = 97.0  # same phonetic key, different spelling: cheeni / chini / चिनी
_SHORTLIST = 40
# Places of the rare-trigram pass's best keys (one per hit) that get a full trigram count. Counting
# postings is cheap next to a candidate's count (its own trigram list is a cache miss away), so the
# pass reads more postings and keeps fewer candidates: on a query sample of its own at 1 M SKUs,
# 120,000 / 1,200 found the SKU asked for a little more often than 60,000 / 3,000, in less time.
_CANDIDATES = 1200
_REFINE = 8  # keys re-scored by informative-word coverage
_POSTINGS_BUDGET = 120_000
_RARE_LISTS = 255  # posting lists the rare pass reads at most (its hit counts are bytes)
# A product none of whose names or aliases has a word of the query loses up to this many
# points: "chamal sona mansuli" is Sona Mansuli (its keys say sona, mansuli and chamal) rather
# than plain Mansuli (no key of it says sona), though one key of each fits two of the words.
_UNEXPLAINED_PENALTY = 20.0
# apply() rebuilds the whole index past these: a delta of this many products, or this share of
# the base's products dead.
_DELTA_LIMIT = 50_000
_DEAD_SHARE = 0.2
_VOCABULARIES = 100_000  # product vocabularies kept for queries
_NO_KEYS = np.zeros(0, dtype=np.int32)


def _key_trigrams(texts: Sequence[str], skels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct trigram codes (ascending) of each key's two spellings, its text and its
    skeleton, each with its words joined and padded (trigrams of either can find it), key after
    key; and how many each key holds."""
    text_bytes, skel_bytes = "\x01".join(texts).encode(), "\x01".join(skels).encode()  # no key holds \x01
    tris = np.empty(len(text_bytes) + len(skel_bytes), dtype=np.uint16)
    ntri = np.empty(len(texts), dtype=np.int16)
    total = _trigrams.key_trigrams(text_bytes, skel_bytes, tris, ntri)
    return tris[:total].copy(), ntri


@dataclass(frozen=True, slots=True)
class Match:
    product: int  # index into CatalogIndex.products
    score: float  # 0-100 text similarity of the best key
    sized_key: bool  # the best key was an alias written with a pack size


class _Strings:
    """Many short strings in one UTF-8 buffer: a tenth of the memory of a list of str objects."""

    __slots__ = ("_blob", "_offsets")

    def __init__(self, texts: Sequence[str]) -> None:
        joined = "\x01".join(texts)  # key words never hold control characters
        self._blob = joined.encode("utf-8")
        lengths = np.fromiter(map(len, texts) if len(self._blob) == len(joined) else
                              (len(t.encode("utf-8")) for t in texts), dtype=np.int64, count=len(texts))
        self._offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths + 1, out=self._offsets[1:])

    def __getitem__(self, k: int) -> str:
        return self._blob[self._offsets[k]:self._offsets[k + 1] - 1].decode("utf-8")

    def __len__(self) -> int:
        return self._offsets.size - 1

    def take(self, keys: np.ndarray) -> list[str]:
        """[self[k] for k in keys], reading the offsets once."""
        blob, offsets = self._blob, self._offsets
        return [blob[s:e].decode("utf-8") for s, e in zip(offsets[keys].tolist(), (offsets[keys + 1] - 1).tolist(),
                                                          strict=True)]

    def all(self) -> list[str]:
        return self._blob.decode("utf-8").split("\x01") if len(self) else []


@dataclass(frozen=True, slots=True, eq=False)
class _Segment:
    """The keys of some products and their exact-spelling and trigram indexes; never changed."""

    key_text: _Strings
    key_skel: _Strings
    key_weight: np.ndarray  # float32 per key
    key_size: np.ndarray  # float64 per key: grams or ml an alias was written with (0 if none)
    owner_offsets: np.ndarray  # CSR: the products (global numbers) of key k
    owners: np.ndarray
    members: np.ndarray  # sorted global numbers of the products held here
    member_offsets: np.ndarray  # CSR: the keys of members[i]
    member_keys: np.ndarray
    text_order: np.ndarray
    text_hashes: np.ndarray
    skel_order: np.ndarray
    skel_hashes: np.ndarray
    tri_offsets: np.ndarray
    postings: np.ndarray
    ntri: np.ndarray  # int16 per key: how many distinct trigrams it holds
    key_tri_offsets: np.ndarray  # CSR: the trigram codes (ascending) of key k
    key_tris: np.ndarray
    words: Counter[str]  # skeleton word -> how many keys say it

    @property
    def nkeys(self) -> int:
        return len(self.key_text)

    def keys_of_all(self, products: np.ndarray) -> np.ndarray:
        """The keys of these member products, concatenated."""
        at = self._at(products)
        return _ranges(self.member_keys, self.member_offsets[at], self.member_offsets[at + 1])

    def _at(self, products: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.members, products.astype(self.members.dtype))  # one dtype: no copy of members

    def find(self, text: str, weight: float, size: float) -> int:
        """The key of this identity here, or -1."""
        for k in _lookup(self.text_order, self.text_hashes, text):
            if self.key_weight[k] == np.float32(weight) and self.key_size[k] == size and self.key_text[k] == text:
                return k
        return -1


def _vocabularies(seg: _Segment, products: np.ndarray) -> list[tuple[tuple[str, str], ...]]:
    """The (spelling, skeleton) words of the keys of each of these member products, in key order, once each."""
    at = seg._at(products)
    starts, ends = seg.member_offsets[at], seg.member_offsets[at + 1]
    keys, which = np.unique(_ranges(seg.member_keys, starts, ends), return_inverse=True)
    pairs = [list(zip(text.split(), skel.split(), strict=True))
             for text, skel in zip(seg.key_text.take(keys), seg.key_skel.take(keys), strict=True)]
    out, which_list, at_key = [], which.tolist(), 0
    for n in (ends - starts).tolist():
        out.append(tuple(dict.fromkeys(chain.from_iterable(map(pairs.__getitem__, which_list[at_key:at_key + n])))))
        at_key += n
    return out


def _overlap(seg: _Segment, codes: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """How many of the trigram codes (uint16, ascending) each key (int32) holds, as float32."""
    counts = np.empty(keys.size, dtype=np.float32)
    _trigrams.overlap(seg.key_tri_offsets, seg.key_tris, keys, codes, counts)
    return counts


def _ranges(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """values[starts[0]:ends[0]], values[starts[1]:ends[1]], ... concatenated."""
    counts = ends - starts
    total = int(counts.sum())
    if not total:
        return values[:0]
    shift = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return values[np.arange(total) + shift]


def _segment(members: Sequence[int], key_lists: Sequence[list[Key]]) -> _Segment:
    """Index the keys of products `members` (ascending global numbers), key_lists[i] for members[i].

    One key per distinct (text, weight, alias size): "coke" is a single key owned by every
    Coca-Cola SKU, so siblings cannot crowd a shortlist and memory stays flat.
    """
    idents: list[tuple[str, float, float]] = []
    skels: list[str] = []
    per_member = np.zeros(len(members), dtype=np.int64)
    for i, keys in enumerate(key_lists):
        mine = [(text, w, size.base if size is not None and j > 0 else 0.0)
                for j, (text, _, size, w) in enumerate(keys) if text]
        idents.extend(mine)
        skels.extend(skel for text, skel, _, _ in keys if text)
        per_member[i] = len(mine)
    ids: dict[tuple[str, float, float], int] = {}
    occ_key = np.fromiter((ids.setdefault(x, len(ids)) for x in idents), dtype=np.int32, count=len(idents))
    nkeys = len(ids)
    del ids
    _, firsts = np.unique(occ_key, return_index=True)  # key ids number keys in order of first use
    key_text = [idents[i][0] for i in firsts.tolist()]
    key_skel = [skels[i] for i in firsts.tolist()]
    key_weight = np.fromiter((idents[i][1] for i in firsts.tolist()), dtype=np.float32, count=nkeys)
    key_size = np.fromiter((idents[i][2] for i in firsts.tolist()), dtype=np.float64, count=nkeys)
    del idents, skels, firsts
    local = np.repeat(np.arange(len(members), dtype=np.int32), per_member)
    member_array = np.asarray(members, dtype=np.int32)
    # a key once per product, in the order the product names them
    pair = local.astype(np.int64) * max(nkeys, 1) + occ_key
    _, first = np.unique(pair, return_index=True)
    first.sort()
    local, occ_key = local[first], occ_key[first]
    member_offsets = np.zeros(len(members) + 1, dtype=np.int64)
    np.cumsum(np.bincount(local, minlength=len(members)), out=member_offsets[1:])
    by_key = np.argsort(occ_key, kind="stable")  # products stay ascending within a key
    owner_offsets = np.zeros(nkeys + 1, dtype=np.int64)
    np.cumsum(np.bincount(occ_key, minlength=nkeys), out=owner_offsets[1:])
    owners = member_array[local[by_key]]
    text_order, text_hashes = _sorted_hashes(np.fromiter(map(hash, key_text), dtype=np.int64, count=nkeys))
    skel_order, skel_hashes = _sorted_hashes(np.fromiter(
        (hash(s.replace(" ", "")) for s in key_skel), dtype=np.int64, count=nkeys))
    tri_offsets, postings, ntri, key_tris = _trigram_index(key_text, key_skel)
    key_tri_offsets = np.zeros(nkeys + 1, dtype=np.int64)
    np.cumsum(ntri, out=key_tri_offsets[1:])
    words: Counter[str] = Counter(chain.from_iterable(map(set, map(str.split, key_skel))))
    return _Segment(_Strings(key_text), _Strings(key_skel), key_weight, key_size, owner_offsets, owners,
                    member_array, member_offsets, occ_key, text_order, text_hashes, skel_order, skel_hashes,
                    tri_offsets, postings, ntri, key_tri_offsets, key_tris, words)


def _trigram_index(key_text: list[str], key_skel: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CSR postings: the keys (ascending) holding each trigram code, once each; trigrams per key;
    and each key's trigram codes (ascending), key after key."""
    key_tris, ntri = _key_trigrams(key_text, key_skel)
    offsets, postings = np.empty(_TRIGRAMS + 1, dtype=np.int64), np.empty(key_tris.size, dtype=np.int32)
    _trigrams.postings(key_tris, ntri, offsets, postings)
    return offsets, postings, ntri, key_tris


class CatalogIndex:
    """Products searchable by what shop owners type.

    rebuild() indexes a whole catalogue; apply() returns a new index with some products added,
    changed or removed, sharing this one's unchanged arrays (this one keeps answering meanwhile).
    """

    def __init__(self, products: Iterable[Product] = (), units: UnitTable | None = None) -> None:
        self.units = units or default_units()
        self._local = threading.local()
        self.rebuild(products)

    # --- building -----------------------------------------------------------------------------

    def rebuild(self, products: Iterable[Product]) -> None:
        """Index a new catalogue (replaces the old one).

        A product whose names cannot be keyed is logged and left out of the index (the catalogue
        itself keeps it): one odd name must not take every other product down.
        """
        self._brand_keys: dict[str, str] = {}
        spellings = self.units.spellings
        self._is_unit = lambda word: spellings.get(word) is not None
        self.skipped: list[tuple[str, str]] = []  # (sku, why) of products left out
        with _gc_paused():
            self.products, key_lists = self._keyed(products, NameKeyer(self.units))
            n = len(self.products)
            self._base = _segment(range(n), key_lists)
        self._delta: _Segment | None = None
        self._delta_keys: dict[int, list[Key]] = {}  # live delta products -> their keys
        self._delta_skus: dict[str, int] = {}
        self._alive = np.ones(n, dtype=bool)
        self._live = n
        self._vocabularies: dict[int, tuple[tuple[str, str], ...]] = {}
        self._base_dead = 0
        # Live owners of each base key, and how many keys (live ones, each identity once, delta
        # included) say each skeleton word: the IDF an index built from scratch would have.
        self._base_live = np.diff(self._base.owner_offsets).astype(np.int32)
        self._base_words = self._base.words
        self._base_keys = self._base.nkeys
        self._delta_words: Counter[str] = Counter()
        self._delta_extra = 0
        self._set_idf_total()
        self.size, self.size_kind = _sizes(key_lists)
        self.phrases = _digit_phrases(key[0] for keys in key_lists for key in keys)
        del key_lists
        self.multipack = np.fromiter((multipack_count(p.name) for p in self.products), dtype=np.int16, count=n)
        self.sales = np.fromiter((p.sales for p in self.products), dtype=np.float64, count=n)
        self._sku_order, self._sku_hashes = _sorted_hashes(np.fromiter(
            (hash(p.sku) for p in self.products), dtype=np.int64, count=n))
        self.fingerprint = _fingerprint(self.products)

    def _keyed(self, products: Iterable[Product], keyer: NameKeyer) -> tuple[list[Product], list[list[Key]]]:
        kept: list[Product] = []
        key_lists: list[list[Key]] = []
        for product in products:
            try:
                keys = keyer.keys(product)
            except Exception as exc:  # any fault in one name is that product's alone
                log.warning("catalogue index: product %r left out: %r", product.sku, exc)
                self.skipped.append((product.sku, repr(exc)))
                continue
            kept.append(product)
            key_lists.append(keys)
        return kept, key_lists

    def _brand_key(self, brand: str) -> str:
        """The key words of a brand (asked per product by the SKU choice), once each."""
        key = self._brand_keys.get(brand)
        if key is None:
            key = self._brand_keys[brand] = self.query_words(brand)
        return key

    def _set_idf_total(self) -> None:
        self._idf_total = max(self._base_keys + self._delta_extra, 1)
        self._idf_default = math.log(1 + self._idf_total)
        self._idf_known: dict[str, float] = {}  # word -> _idf(word) under these counts

    def _idf(self, word: str) -> float:
        """Inverse document frequency of a skeleton word over keys: "sona" tells more than "chamal"."""
        known = self._idf_known.get(word)
        if known is None:
            count = self._base_words.get(word, 0) + self._delta_words.get(word, 0)
            known = math.log(1 + self._idf_total / count) if count > 0 else self._idf_default
            if len(self._idf_known) >= _VOCABULARIES:
                self._idf_known.clear()
            self._idf_known[word] = known
        return known

    # --- changing -----------------------------------------------------------------------------

    def apply(self, upserts: Iterable[Product] = (), removed: Iterable[str] = ()) -> CatalogIndex:
        """A new index with `upserts` added or replacing the products of their SKUs and the SKUs
        `removed` gone; this one is left as it was. It answers as an index built from scratch on
        the resulting catalogue would; once the changes since the last rebuild grow large, it is
        one (keying only the new products, the delta segment is rebuilt each time)."""
        latest = {p.sku: p for p in upserts}
        gone = set(removed) | latest.keys()
        new = object.__new__(CatalogIndex)
        new.__dict__.update(self.__dict__)
        new._local = threading.local()
        new.skipped = list(self.skipped)
        fresh, key_lists = new._keyed(latest.values(), NameKeyer(self.units))
        dead = np.fromiter((i for i in map(self._number, gone) if i is not None), dtype=np.int64)
        base_dead = self._base_dead + int((dead < len(self._base.members)).sum())
        dead_set = set(dead.tolist())
        delta_keys = {i: k for i, k in self._delta_keys.items() if i not in dead_set}
        if len(delta_keys) + len(fresh) > _DELTA_LIMIT or base_dead > _DEAD_SHARE * max(len(self._base.members), 1):
            new.rebuild([*(p for p in self.live_products() if p.sku not in gone), *fresh])
            return new
        start = len(self.products)
        numbers = range(start, start + len(fresh))
        new.products = self.products + fresh
        alive = np.concatenate((self._alive, np.ones(len(fresh), dtype=bool)))
        alive[dead] = False
        new._alive = alive
        new._live = self._live - dead.size + len(fresh)
        new._base_dead = base_dead
        new._forget_base(dead[dead < len(self._base.members)])
        size, kind = _sizes(key_lists)
        new.size = np.concatenate((self.size, size))
        new.size_kind = np.concatenate((self.size_kind, kind))
        new.multipack = np.concatenate((self.multipack, np.fromiter(
            (multipack_count(p.name) for p in fresh), dtype=np.int16, count=len(fresh))))
        new.sales = np.concatenate((self.sales, np.fromiter((p.sales for p in fresh), dtype=np.float64,
                                                            count=len(fresh))))
        delta_keys.update(zip(numbers, key_lists, strict=True))
        new._delta_keys = delta_keys
        new._delta_skus = {s: i for s, i in self._delta_skus.items() if s not in gone}
        new._delta_skus.update((p.sku, i) for i, p in zip(numbers, fresh, strict=True))
        members = sorted(delta_keys)
        new._delta = _segment(members, [delta_keys[i] for i in members]) if members else None
        new._count_delta()
        new.phrases = _merge_phrases(self.phrases, _digit_phrases(new._delta.key_text.all() if new._delta else []))
        new.fingerprint = _fingerprint(fresh, seed=f"{self.fingerprint}\x1e{sorted(gone)}")
        return new

    def _forget_base(self, dead: np.ndarray) -> None:
        """Base products `dead` no longer own their keys; words of keys left with no owner stop counting."""
        if not dead.size:
            return
        keys = self._base.keys_of_all(dead)
        live = self._base_live.copy()
        np.subtract.at(live, keys, 1)
        self._base_live = live
        keys = np.unique(keys)
        vanished = keys[live[keys] == 0].tolist()
        if vanished:
            skel = self._base.key_skel
            self._base_words = self._base_words.copy()
            self._base_words.subtract(chain.from_iterable(set(skel[k].split()) for k in vanished))
            self._base_keys -= len(vanished)

    def _count_delta(self) -> None:
        """The delta's keys that no live base key already is count towards the IDF."""
        self._delta_words = Counter()
        self._delta_extra = 0
        seg = self._delta
        for k in range(seg.nkeys if seg is not None else 0):
            assert seg is not None
            text, skel = seg.key_text[k], seg.key_skel[k]
            b = self._base.find(text, float(seg.key_weight[k]), float(seg.key_size[k]))
            if b < 0 or not self._base_live[b]:
                self._delta_extra += 1
                self._delta_words.update(set(skel.split()))
        self._set_idf_total()

    def _number(self, sku: str) -> int | None:
        """The live product number of sku, or None."""
        i = self._delta_skus.get(sku)
        if i is not None:
            return i
        h = hash(sku)
        lo = int(np.searchsorted(self._sku_hashes, h, side="left"))
        hi = int(np.searchsorted(self._sku_hashes, h, side="right"))
        for i in self._sku_order[lo:hi].tolist():
            if self._alive[i] and self.products[i].sku == sku:
                return int(i)
        return None

    def is_live(self, product: int) -> bool:
        """Whether product number `product` is in the catalogue now (not removed or replaced)."""
        return bool(self._alive[product])

    def live_products(self) -> list[Product]:
        """The products the index holds now (removed and replaced ones left out)."""
        if self._live == len(self.products):
            return list(self.products)
        return [p for p, alive in zip(self.products, self._alive.tolist(), strict=True) if alive]

    @property
    def key_count(self) -> int:
        return self._base.nkeys + (self._delta.nkeys if self._delta else 0)

    def _segments(self) -> tuple[_Segment, ...]:
        return (self._base,) if self._delta is None else (self._base, self._delta)

    def _segment_of(self, product: int) -> _Segment:
        return self._base if product < len(self._base.members) or self._delta is None else self._delta

    # --- searching ----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 10, sized_query: bool = False) -> list[Match]:
        """Products whose keys best match query (normalised product words), best first."""
        query = " ".join(query.split())
        if not query or not self._live:
            return []
        qs = key_skeleton(query)
        joined = qs.replace(" ", "")
        segments = self._segments()
        exact = [self._exact(seg, query, joined) for seg in segments]
        # An exact spelling settles it (siblings share their key words, so all are here);
        # fuzzy matching is only for what nobody wrote down.
        settled = any(exact)
        close: list[dict[int, float]] = []  # trigram overlap of shortlisted keys: breaks ties
        for seg, scored in zip(segments, exact, strict=True):
            shortlist, overlap = self._shortlist(seg, query, qs) if not settled else (_NO_KEYS, _NO_KEYS)
            close.append(dict(zip(shortlist.tolist(), overlap.tolist(), strict=True)))
            if shortlist.size:
                fuzzy = self._rerank(seg, query, qs, shortlist)
                for k, v in zip(shortlist.tolist(), fuzzy.tolist(), strict=True):
                    if v > scored.get(k, -1.0):
                        scored[k] = v
        best = self._collect(list(zip(segments, exact, close, strict=True)), limit, sized_query)
        q_pairs = list(dict.fromkeys(zip(query.split(), qs.split(), strict=True)))
        if len(q_pairs) > 1 and len(best) > 1:
            shares = self._unexplained(q_pairs, self._vocabularies_of(list(best)))
            for (p, m), missing in zip(list(best.items()), shares, strict=True):
                if missing:
                    best[p] = Match(p, max(0.0, m.score - _UNEXPLAINED_PENALTY * missing), m.sized_key)
        return sorted(best.values(), key=lambda m: -m.score)[:limit]

    def is_key(self, query: str) -> bool:
        """Whether search(query) is settled by a key spelt or sounding exactly as the query."""
        query = " ".join(query.split())
        joined = key_skeleton(query).replace(" ", "")
        return bool(query) and any(self._exact(seg, query, joined) for seg in self._segments())

    def _exact(self, seg: _Segment, query: str, joined: str) -> dict[int, float]:
        """Keys of seg spelt as the query (100) or sounding as it (_SKELETON_EXACT), with a live owner."""
        scored: dict[int, float] = {}
        for k in _lookup(seg.text_order, seg.text_hashes, query):
            if seg.key_text[k] == query and self._owned(seg, k):
                scored[k] = 100.0
        for k in _lookup(seg.skel_order, seg.skel_hashes, joined):
            if seg.key_skel[k].replace(" ", "") == joined and self._owned(seg, k):
                scored.setdefault(k, _SKELETON_EXACT)
        return scored

    def _owned(self, seg: _Segment, k: int) -> bool:
        return seg is not self._base or bool(self._base_live[k])

    def _collect(self, scored: list[tuple[_Segment, dict[int, float], dict[int, float]]], limit: int,
                 sized_query: bool) -> dict[int, Match]:
        """Key scores -> the best score of each live product owning one: every product scoring at
        least the limit-th best, best first (ties: the key closer in trigrams, the catalogue's
        order, an unsized key)."""
        products, values, sized, closeness = [], [], [], []
        for seg, by_key, close in scored:
            if not by_key:
                continue
            keys = np.fromiter(by_key, dtype=np.int64, count=len(by_key))
            size = seg.key_size[keys] > 0
            v = np.fromiter(by_key.values(), dtype=np.float32, count=len(by_key)) * seg.key_weight[keys]
            if not sized_query:
                v = v - _SIZED_ALIAS_PENALTY * size
            starts, ends = seg.owner_offsets[keys], seg.owner_offsets[keys + 1]
            counts = ends - starts
            products.append(_ranges(seg.owners, starts, ends))
            values.append(np.repeat(v, counts))
            sized.append(np.repeat(size, counts))
            closeness.append(np.repeat(np.fromiter((close.get(k, 1.0) for k in by_key), dtype=np.float32,
                                                   count=len(by_key)), counts))
        if not products:
            return {}
        p, v, s = np.concatenate(products), np.concatenate(values), np.concatenate(sized)
        c = np.concatenate(closeness)
        if self._live != len(self.products):
            keep = self._alive[p]
            p, v, s, c = p[keep], v[keep], s[keep], c[keep]
        order = np.lexsort((s, p, -c, -v))
        p, v, s = p[order], v[order], s[order]
        _, first = np.unique(p, return_index=True)  # each product's best key
        first.sort()
        p, v, s = p[first], v[first], s[first]
        if p.size > limit:
            cut = int(np.searchsorted(-v, -v[limit - 1], side="right"))
            p, v, s = p[:cut], v[:cut], s[:cut]
        return {int(i): Match(int(i), max(0.0, min(100.0, float(x))), bool(z))
                for i, x, z in zip(p.tolist(), v.tolist(), s.tolist(), strict=True)}

    def _vocabularies_of(self, products: list[int]) -> list[tuple[tuple[str, str], ...]]:
        """Every word any key of each product says, as (spelling, skeleton): its vocabulary.

        Kept for the products queries meet (a product number always means the same product); the
        ones not kept yet are read together, each segment's keys once."""
        known = self._vocabularies
        missing = [p for p in products if p not in known]
        if missing:
            if len(known) + len(missing) > _VOCABULARIES:
                known.clear()
            for seg in self._segments():
                mine = [p for p in missing if self._segment_of(p) is seg]
                if mine:
                    known.update(zip(mine, _vocabularies(seg, np.asarray(mine, dtype=np.int64)), strict=True))
        return [known[p] for p in products]

    def _unexplained(self, q_pairs: list[tuple[str, str]],
                     vocabularies: list[tuple[tuple[str, str], ...]]) -> list[float]:
        """For each vocabulary, the IDF-weighted share of query words it does not say (0 = all
        said): a word is said by the same skeleton or a spelling >= 75 % alike."""
        weights = [self._idf(sk) for _, sk in q_pairs]
        total = sum(weights)
        spellings = list(dict.fromkeys(w for vocabulary in vocabularies for w, _ in vocabulary))
        if not total or not spellings:
            return [0.0 if not total else 1.0 for _ in vocabularies]
        scores = cdist([q for q, _ in q_pairs], spellings, scorer=fuzz.ratio, dtype=np.float64)
        alike = [{spellings[j] for j in np.flatnonzero(row >= 75).tolist()} for row in scores]
        pairs = set(chain.from_iterable(vocabularies))
        saying = [{(w, s) for w, s in pairs if s == sk or w in near}  # the words that say each query word
                  for (_, sk), near in zip(q_pairs, alike, strict=True)]
        return [sum(weight for weight, words in zip(weights, saying, strict=True) if words.isdisjoint(vocabulary))
                / total for vocabulary in vocabularies]

    def _scratch(self, size: int) -> np.ndarray:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None or scratch.size < size:
            scratch = np.zeros(size, dtype=np.uint8)  # hits per key in the rare pass (< _RARE_LISTS)
            self._local.scratch = scratch
        return scratch[:size]

    def _shortlist(self, seg: _Segment, query: str, qs: str) -> tuple[np.ndarray, np.ndarray]:
        """The keys of seg most alike the query in trigrams, and their overlap (Jaccard)."""
        codes, _ = _key_trigrams([query], [qs])
        starts, ends = seg.tri_offsets[codes], seg.tri_offsets[codes + 1]  # codes < 38**3 - 1: no overflow
        df = ends - starts
        order = np.argsort(df[df > 0], kind="stable")
        starts, ends = starts[df > 0][order], ends[df > 0][order]
        if not starts.size:
            return _NO_KEYS, _NO_KEYS
        # Rarest trigrams first; common ones are skipped once the budget is spent. Candidates hold
        # most of the rare trigrams; then all the query's trigrams are counted for those candidates
        # only, in their own trigram lists (a common trigram's postings are long).
        used = max(1, min(_RARE_LISTS, int(np.searchsorted(np.cumsum(ends - starts), _POSTINGS_BUDGET, side="right"))))
        keys = np.empty(_CANDIDATES, dtype=np.int32)
        keys = keys[:_trigrams.rare_candidates(seg.postings, starts[:used], ends[:used], self._scratch(seg.nkeys),
                                               _CANDIDATES, keys)]
        if seg is self._base and self._base_dead:  # keys no live product owns take no place
            keys = keys[self._base_live[keys] > 0]
        full = _overlap(seg, codes, keys)
        jaccard = full / (codes.size + seg.ntri[keys] - full)
        order = np.lexsort((keys, -jaccard))[:_SHORTLIST]  # ties: the lower key number
        return keys[order], jaccard[order]

    def _rerank(self, seg: _Segment, query: str, qs: str, keys: np.ndarray) -> np.ndarray:
        texts, skels = seg.key_text.take(keys), seg.key_skel.take(keys)
        plain = 0.65 * cdist([query], texts, scorer=fuzz.token_set_ratio)[0] + \
            0.35 * cdist([query], texts, scorer=fuzz.token_sort_ratio)[0]
        phonetic = 0.65 * cdist([qs], skels, scorer=fuzz.token_set_ratio)[0] + \
            0.35 * cdist([qs], skels, scorer=fuzz.token_sort_ratio)[0]
        joined = cdist([qs.replace(" ", "")], [s.replace(" ", "") for s in skels], scorer=fuzz.ratio)[0]
        scores = np.maximum(plain, np.maximum(0.97 * phonetic, 0.95 * joined)).astype(np.float32)
        # token_set_ratio gives 100 to any key inside the query ("mansuli chamal" in "chamal sona
        # mansuli"); weigh the best few by how much of the informative words each one explains.
        top = np.argsort(-scores, kind="stable")[:_REFINE]
        q_pairs = list(zip(query.split(), qs.split(), strict=True))
        top_list = top.tolist()
        coverages = self._coverages(q_pairs, [list(zip(texts[t].split(), skels[t].split(), strict=True))
                                              for t in top_list])
        for t, coverage in zip(top_list, coverages, strict=True):
            refined = 0.5 * scores[t] + 0.5 * coverage
            # joined words ("waiwai", "madragokabourbon") are no worse for being joined
            scores[t] = max(refined, 0.95 * joined[t]) if joined[t] >= 85 else refined
        return scores

    def _coverages(self, q_pairs: list[tuple[str, str]], keys: list[list[tuple[str, str]]]) -> list[float]:
        """For each key's words, 0-100: the IDF-weighted share of query words found in the key, and
        of the key's words used.

        Words are (spelling, skeleton) pairs; two words match when their skeletons agree or their
        spellings are >= 75 % alike (every spelling pair compared in one cdist).
        """
        idf = self._idf
        q_unique = list(dict.fromkeys(q_pairs))
        q_weights = [idf(sk) for _, sk in q_unique]
        q_total = sum(q_weights)
        pairs = list(dict.fromkeys(pair for k_pairs in keys for pair in k_pairs))
        column = {pair: j for j, pair in enumerate(pairs)}
        ratios = cdist([w for w, _ in q_unique], [w for w, _ in pairs], scorer=fuzz.ratio, dtype=np.float64) / 100.0 \
            if pairs else np.zeros((len(q_unique), 0))
        sims = [[1.0 if skel == q_skel else (r if r >= 0.75 else 0.0) for (_, skel), r in zip(pairs, row, strict=True)]
                for (_, q_skel), row in zip(q_unique, ratios.tolist(), strict=True)]
        said = [any(row[j] > 0 for row in sims) for j in range(len(pairs))]  # matched by some query word
        weight = [idf(skel) for _, skel in pairs]
        out = []
        for k_pairs in keys:
            columns = [column[pair] for pair in k_pairs]
            q_found = 0.0
            for w, row in zip(q_weights, sims, strict=True):
                q_found += w * max([row[j] for j in columns], default=0.0)
            k_total = sum(weight[j] for j in columns)
            k_found = sum(weight[j] for j in columns if said[j])
            out.append(100.0 * ((q_found / q_total) ** 0.7) * ((k_found / k_total) ** 0.3)
                       if q_total and k_total else 0.0)
        return out

    # --- conveniences ---------------------------------------------------------------------------

    def query_words(self, text: str) -> str:
        """Product words of free text, as keys are made (for callers outside the pipeline)."""
        words, _ = key_words(tokenize(prepare(text), self._is_unit), self.units)
        return " ".join(words)

    def size_matches(self, product: int, base: float) -> bool | None:
        """Whether product's pack size equals base g or ml; None if the product has no size.

        Grams and millilitres compare alike: liquids are often sold by weight (honey 500 g).
        """
        if not self.size[product]:
            return None
        return abs(float(self.size[product]) - base) <= 0.02 * base

    def __len__(self) -> int:
        return self._live


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic collection while millions of small containers are made (they hold no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _sorted_hashes(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(hashes, kind="stable").astype(np.int32)
    return order, hashes[order]


def _lookup(order: np.ndarray, hashes: np.ndarray, text: str) -> list[int]:
    """Keys whose hash is text's (the caller compares the text itself)."""
    h = hash(text)
    lo, hi = np.searchsorted(hashes, h, side="left"), np.searchsorted(hashes, h, side="right")
    return order[lo:hi].tolist()


def _sizes(key_lists: Sequence[list[Key]]) -> tuple[np.ndarray, np.ndarray]:
    """Pack size in g or ml (0 if none) and its kind (1 mass, 2 volume) of each product, by its name."""
    n = len(key_lists)
    size = np.zeros(n, dtype=np.float32)
    kind = np.zeros(n, dtype=np.int8)
    for i, keys in enumerate(key_lists):
        said = keys[0][2] if keys else None
        if said is not None and said.unit is not None:
            size[i] = said.base
            kind[i] = 1 if said.unit.kind == MASS else 2
    return size, kind


def _digit_phrases(key_text: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """Names that start with a number ("2 pm", "5 star"): the splitter keeps them whole."""
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for text in {t for t in key_text if t[:1].isdigit()}:  # a key's words never start with "."
        words = text.split()
        if len(words) > 1 and words[0].replace(".", "").isdigit():
            phrases.setdefault(words[0], []).append((words[0], words[1]))
    return {first: sorted(set(options)) for first, options in phrases.items()}


def _merge_phrases(*parts: dict[str, list[tuple[str, ...]]]) -> dict[str, list[tuple[str, ...]]]:
    merged: dict[str, set[tuple[str, ...]]] = {}
    for part in parts:
        for first, options in part.items():
            merged.setdefault(first, set()).update(options)
    return {first: sorted(options) for first, options in merged.items()}


def _fingerprint(products: Iterable[Product], seed: str = "") -> str:
    digest = hashlib.sha1(seed.encode())
    for p in products:
        digest.update(f"{p.sku}\x1f{p.name}\x1f{p.unit}\x1f{'|'.join(p.aliases)}\x1f{p.brand}\n".encode())
    return digest.hexdigest()


__all__ = ["CatalogIndex", "Match", "key_skeleton"]
