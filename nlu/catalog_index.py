"""In-memory catalogue index: exact key lookup, trigram shortlist, rapidfuzz re-ranking.

Every product gets several keys (name, aliases, brand) reduced to product words (sizes and unit
words removed, see quantities.key_words). A query is looked up exactly first (hash array +
binary search); otherwise a character-trigram inverted index over phonetic skeletons, held in
numpy CSR arrays, shortlists keys cheaply — the rarest trigrams first under a postings budget —
and rapidfuzz re-scores only that shortlist. This keeps one query to a few milliseconds even
with a million SKUs, where scoring every name with rapidfuzz takes ~0.5 s.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from domain.catalog import Product
from nlu.normalize import prepare, skeleton, tokenize
from nlu.packs import multipack_count
from nlu.quantities import key_words
from nlu.units import MASS, UnitTable, default_units

log = logging.getLogger(__name__)

_ALPHABET = 38  # pad/space, a-z, 0-9, other
_LUT = np.full(256, 37, dtype=np.int32)
_LUT[ord(" ")] = 0
_LUT[ord("a"): ord("z") + 1] = np.arange(1, 27)
_LUT[ord("0"): ord("9") + 1] = np.arange(27, 37)
_LUT[1] = -1  # separator between keys
_LUT[2] = -1  # separator between the two spellings of one key
_BRAND_WEIGHT = 0.92  # a brand alone fits every product of the brand: never beat a real alias
_SIZED_ALIAS_PENALTY = 8.0  # alias "tokla 1 kg" should not win when no size was said
_SKELETON_EXACT = 97.0  # same phonetic key, different spelling: cheeni / chini / चिनी
_SHORTLIST = 40
_CANDIDATES = 2000  # keys from the rare-trigram pass that get a full trigram count
_REFINE = 8  # keys re-scored by informative-word coverage
_POSTINGS_BUDGET = 60_000
# A product none of whose names or aliases has a word of the query loses up to this many
# points: "chamal sona mansuli" is Sona Mansuli (its keys say sona, mansuli and chamal) rather
# than plain Mansuli (no key of it says sona), though one key of each fits two of the words.
_UNEXPLAINED_PENALTY = 20.0


@lru_cache(maxsize=200_000)
def _word_skeleton(word: str) -> str:
    """Exactly one skeleton word per word: keys and queries pair them up."""
    return "".join(skeleton(word).split()) or word


def key_skeleton(text: str) -> str:
    return " ".join(_word_skeleton(w) for w in text.split())


def _trigram_codes(packed: np.ndarray) -> np.ndarray:
    c = _LUT[packed]
    codes = c[:-2] * _ALPHABET * _ALPHABET + c[1:-1] * _ALPHABET + c[2:]
    valid = (c[:-2] >= 0) & (c[1:-1] >= 0) & (c[2:] >= 0)
    return np.where(valid, codes, -1)


def _pack(text: str, skeleton_text: str) -> str:
    """Both spellings of a key, joined words, padded: trigrams of either can find it."""
    plain = "".join(ch for ch in text if "a" <= ch <= "z" or "0" <= ch <= "9")
    return f" {plain} \x02 {skeleton_text.replace(' ', '')} "


@dataclass(frozen=True, slots=True)
class Match:
    product: int  # index into CatalogIndex.products
    score: float  # 0-100 text similarity of the best key
    sized_key: bool  # the best key was an alias written with a pack size


class CatalogIndex:
    """Products searchable by what shop owners type. Rebuild whenever the catalogue changes."""

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
        self.products: list[Product] = []
        self.skipped: list[tuple[str, str]] = []  # (sku, why) of products left out
        product_key_lists: list[list[tuple[str, object, float]]] = []
        for product in products:
            try:
                keys = self._keys(product)
            except Exception as exc:  # any fault in one name is that product's alone
                log.warning("catalogue index: product %r left out: %r", product.sku, exc)
                self.skipped.append((product.sku, repr(exc)))
                continue
            self.products.append(product)
            product_key_lists.append(keys)
        n = len(self.products)
        self.size = np.zeros(n, dtype=np.float32)  # pack size in g or ml, 0 if none
        self.size_kind = np.zeros(n, dtype=np.int8)  # 1 mass, 2 volume
        self.multipack = np.fromiter((multipack_count(p.name) for p in self.products), dtype=np.int16, count=n)
        self.sales = np.fromiter((p.sales for p in self.products), dtype=np.float64, count=n)
        # One key per distinct (text, weight, alias size): "coke" is a single key owned by every
        # Coca-Cola SKU, so siblings cannot crowd a shortlist and memory stays flat.
        key_ids: dict[tuple[str, float, float], int] = {}
        owners: list[list[int]] = []
        product_keys: list[list[int]] = [[] for _ in range(n)]
        for i, keys in enumerate(product_key_lists):
            for j, (text, size, w) in enumerate(keys):
                if j == 0 and size is not None and size.unit is not None:
                    self.size[i] = size.base
                    self.size_kind[i] = 1 if size.unit.kind == MASS else 2
                if not text:
                    continue
                ident = (text, w, size.base if size is not None and j > 0 else 0.0)
                k = key_ids.setdefault(ident, len(key_ids))
                product_keys[i].append(k)
                if k == len(owners):
                    owners.append([i])
                elif owners[k][-1] != i:
                    owners[k].append(i)
        self.key_text = [text for text, _, _ in key_ids]
        self.key_skel = [key_skeleton(t) for t in self.key_text]
        self.key_weight = np.fromiter((w for _, w, _ in key_ids), dtype=np.float32, count=len(key_ids))
        self.key_sized = np.fromiter((s > 0 for _, _, s in key_ids), dtype=bool, count=len(key_ids))
        lengths = np.fromiter((len(o) for o in owners), dtype=np.int64, count=len(owners))
        self._owner_offsets = np.concatenate(([0], np.cumsum(lengths)))
        self._owners = np.fromiter((i for o in owners for i in o), dtype=np.int32, count=int(lengths.sum()))
        del key_ids, owners, product_key_lists
        # Every word any key of a product says (skeleton -> spelling): the product's vocabulary.
        self._product_words: list[tuple[tuple[str, str], ...]] = []
        interned: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        for keys in product_keys:
            pairs = tuple(sorted({(w, sk) for k in keys for w, sk in zip(
                self.key_text[k].split(), self.key_skel[k].split(), strict=True)}))
            self._product_words.append(interned.setdefault(pairs, pairs))
        del product_keys, interned
        self._build_exact()
        self._build_trigrams()
        self._build_idf()
        self.phrases = self._digit_phrases()
        self.fingerprint = _fingerprint(self.products)

    def _keys(self, product: Product) -> list[tuple[str, object, float]]:
        """(key text, size amount, weight) for the name, each alias and the brand."""
        out: list[tuple[str, object, float]] = []
        for _j, raw in enumerate((product.name, *product.aliases)):
            words, size = key_words(tokenize(prepare(raw), self._is_unit), self.units)
            # a pack count left bare, "Shikhar packet (20)", is not a product word; "2pm" is
            words = [w for k, w in enumerate(words) if k == 0 or not w.replace(".", "").isdigit()]
            out.append((" ".join(words), size, 1.0))
        if product.brand:
            out.append((self._brand_key(product.brand), None, _BRAND_WEIGHT))
        for text, _, _ in out:
            if len(text.split()) != len(key_skeleton(text).split()):
                raise ValueError(f"key {text!r} does not pair with its skeleton {key_skeleton(text)!r}")
        return out

    def _brand_key(self, brand: str) -> str:
        key = self._brand_keys.get(brand)
        if key is None:
            key = " ".join(key_words(tokenize(prepare(brand), self._is_unit), self.units)[0])
            self._brand_keys[brand] = key
        return key

    def _is_unit(self, word: str) -> bool:
        return self.units.lookup(word) is not None

    def _build_exact(self) -> None:
        n = len(self.key_text)
        text_hashes = np.fromiter((hash(t) for t in self.key_text), dtype=np.int64, count=n)
        skel_hashes = np.fromiter((hash(s.replace(" ", "")) for s in self.key_skel), dtype=np.int64, count=n)
        self._text_order, self._text_hashes = _sorted_hashes(text_hashes)
        self._skel_order, self._skel_hashes = _sorted_hashes(skel_hashes)

    def _build_idf(self) -> None:
        """Inverse document frequency of skeleton words: "sona" tells more than "chamal"."""
        counts: dict[str, int] = {}
        for skel in self.key_skel:
            for w in set(skel.split()):
                counts[w] = counts.get(w, 0) + 1
        total = max(len(self.key_skel), 1)
        self._idf = {w: math.log(1 + total / c) for w, c in counts.items()}
        self._idf_default = math.log(1 + total)

    def _build_trigrams(self) -> None:
        nkeys = len(self.key_skel)
        if nkeys == 0:
            self._offsets = np.zeros(_ALPHABET**3 + 1, dtype=np.int64)
            self._postings = np.zeros(0, dtype=np.int32)
            self._ntri = np.zeros(0, dtype=np.int16)
            return
        packed = "\x01".join(_pack(t, s) for t, s in zip(self.key_text, self.key_skel, strict=True)
                              ).encode("ascii", "replace")
        arr = np.frombuffer(packed, dtype=np.uint8)
        codes = _trigram_codes(arr)
        key_of = np.cumsum(arr == 1, dtype=np.int64)[:-2]
        keep = codes >= 0
        pairs = np.sort(codes[keep].astype(np.int64) * nkeys + key_of[keep])
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]  # a trigram once per key
        codes_sorted = pairs // nkeys
        self._postings = (pairs % nkeys).astype(np.int32)
        self._offsets = np.searchsorted(codes_sorted, np.arange(_ALPHABET**3 + 1)).astype(np.int64)
        self._ntri = np.bincount(self._postings, minlength=nkeys).astype(np.int16)

    def _digit_phrases(self) -> dict[str, list[tuple[str, ...]]]:
        """Names that start with a number ("2 pm", "5 star"): the splitter keeps them whole."""
        phrases: dict[str, list[tuple[str, ...]]] = {}
        for text in set(self.key_text):
            words = text.split()
            if len(words) > 1 and words[0].replace(".", "").isdigit():
                phrases.setdefault(words[0], []).append((words[0], words[1]))
        return {first: sorted(set(options)) for first, options in phrases.items()}

    # --- searching ----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 10, sized_query: bool = False) -> list[Match]:
        """Products whose keys best match query (normalised product words), best first."""
        query = " ".join(query.split())
        if not query or not self.key_text:
            return []
        qs = key_skeleton(query)
        scored: dict[int, float] = {}
        for k in self._lookup(self._text_order, self._text_hashes, query,
                              lambda k: self.key_text[k] == query):
            scored[k] = 100.0
        joined = qs.replace(" ", "")
        for k in self._lookup(self._skel_order, self._skel_hashes, joined,
                              lambda k: self.key_skel[k].replace(" ", "") == joined):
            scored.setdefault(k, _SKELETON_EXACT)
        # An exact spelling settles it (siblings share their key words, so all are here);
        # fuzzy matching is only for what nobody wrote down.
        shortlist = self._shortlist(query, qs) if not scored else np.zeros(0, dtype=np.int32)
        if shortlist.size:
            fuzzy = self._rerank(query, qs, shortlist)
            for k, v in zip(shortlist.tolist(), fuzzy.tolist(), strict=True):
                if v > scored.get(k, -1.0):
                    scored[k] = v
        if not scored:
            return []
        keys = np.fromiter(scored, dtype=np.int32, count=len(scored))
        scores = np.fromiter(scored.values(), dtype=np.float32, count=len(scored)) * self.key_weight[keys]
        if not sized_query:
            scores = scores - _SIZED_ALIAS_PENALTY * self.key_sized[keys]
        best: dict[int, Match] = {}
        for k, v in sorted(zip(keys.tolist(), scores.tolist(), strict=True), key=lambda kv: -kv[1]):
            if len(best) >= limit and v < min(m.score for m in best.values()):
                break
            lo, hi = self._owner_offsets[k], self._owner_offsets[k + 1]
            for p in self._owners[lo:hi].tolist():
                if p not in best or v > best[p].score:
                    best[p] = Match(p, max(0.0, min(100.0, v)), bool(self.key_sized[k]))
        q_pairs = list(dict.fromkeys(zip(query.split(), qs.split(), strict=True)))
        if len(q_pairs) > 1 and len(best) > 1:
            for p, m in best.items():
                missing = self._unexplained(q_pairs, self._product_words[p])
                if missing:
                    best[p] = Match(p, max(0.0, m.score - _UNEXPLAINED_PENALTY * missing), m.sized_key)
        return sorted(best.values(), key=lambda m: -m.score)[:limit]

    def _unexplained(self, q_pairs: list[tuple[str, str]], vocabulary: tuple[tuple[str, str], ...]) -> float:
        """IDF-weighted share of query words that no key of the product says (0 = all said)."""
        idf = self._idf.get
        default = self._idf_default
        total = missing = 0.0
        for q in q_pairs:
            weight = idf(q[1], default)
            total += weight
            if not any(q[1] == sk or fuzz.ratio(q[0], w) >= 75 for w, sk in vocabulary):
                missing += weight
        return missing / total if total else 0.0

    @staticmethod
    def _lookup(order: np.ndarray, hashes: np.ndarray, text: str, same) -> list[int]:
        h = hash(text)
        lo, hi = np.searchsorted(hashes, h, side="left"), np.searchsorted(hashes, h, side="right")
        return [k for k in order[lo:hi].tolist() if same(k)]

    def _scratch(self) -> np.ndarray:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None or scratch.size != len(self.key_text):
            scratch = np.zeros(len(self.key_text), dtype=np.int16)
            self._local.scratch = scratch
        return scratch

    def _shortlist(self, query: str, qs: str) -> np.ndarray:
        packed = np.frombuffer(_pack(query, qs).encode("ascii", "replace"), dtype=np.uint8)
        codes = np.unique(_trigram_codes(packed))
        codes = codes[codes >= 0]
        starts, ends = self._offsets[codes], self._offsets[codes + 1]
        df = ends - starts
        order = np.argsort(df[df > 0], kind="stable")
        starts, ends = starts[df > 0][order], ends[df > 0][order]
        if not starts.size:
            return np.zeros(0, dtype=np.int32)
        # Rarest trigrams first; common ones are skipped once the budget is spent.
        used = max(1, int(np.searchsorted(np.cumsum(ends - starts), _POSTINGS_BUDGET, side="right")))
        scratch = self._scratch()
        lists = [self._postings[s:e] for s, e in zip(starts[:used].tolist(), ends[:used].tolist(),
                                                      strict=True)]
        for lst in lists:
            scratch[lst] += 1
        cat = np.concatenate(lists)
        hits = scratch[cat]
        scratch[cat] = 0
        # Candidates holding most of the rare trigrams; then count the common trigrams too, for
        # those candidates only (posting lists are sorted, so membership is a binary search).
        if cat.size > _CANDIDATES:
            top = np.argpartition(-hits, _CANDIDATES)[:_CANDIDATES]
            cat, hits = cat[top], hits[top]
        keys, first = np.unique(cat, return_index=True)
        full = hits[first].astype(np.float32)
        for s, e in zip(starts[used:].tolist(), ends[used:].tolist(), strict=True):
            postings = self._postings[s:e]
            at = np.searchsorted(postings, keys)
            full += postings[np.minimum(at, postings.size - 1)] == keys
        jaccard = full / (codes.size + self._ntri[keys] - full)
        order = np.argsort(-jaccard, kind="stable")[:_SHORTLIST]
        return keys[order]

    def _rerank(self, query: str, qs: str, keys: np.ndarray) -> np.ndarray:
        texts = [self.key_text[k] for k in keys.tolist()]
        skels = [self.key_skel[k] for k in keys.tolist()]
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
        for t in top.tolist():
            k_pairs = list(zip(texts[t].split(), skels[t].split(), strict=True))
            refined = 0.5 * scores[t] + 0.5 * self._coverage(q_pairs, k_pairs)
            # joined words ("waiwai", "madragokabourbon") are no worse for being joined
            scores[t] = max(refined, 0.95 * joined[t]) if joined[t] >= 85 else refined
        return scores

    def _coverage(self, q_pairs: list[tuple[str, str]], k_pairs: list[tuple[str, str]]) -> float:
        """0-100: IDF-weighted share of query words found in the key, and of key words used.

        Words are (spelling, skeleton) pairs; two words match when their skeletons agree or
        their spellings are >= 75% alike.
        """
        def alike(a: tuple[str, str], b: tuple[str, str]) -> float:
            if a[1] == b[1]:
                return 1.0
            r = fuzz.ratio(a[0], b[0]) / 100.0
            return r if r >= 0.75 else 0.0

        idf = self._idf.get
        default = self._idf_default
        q_total = q_found = 0.0
        used: set[int] = set()
        for q in dict.fromkeys(q_pairs):
            weight = idf(q[1], default)
            sims = [alike(q, k) for k in k_pairs]
            best = max(sims, default=0.0)
            q_total += weight
            q_found += weight * best
            used.update(i for i, v in enumerate(sims) if v > 0)
        k_unique = dict.fromkeys(range(len(k_pairs)))
        k_total = sum(idf(k_pairs[i][1], default) for i in k_unique)
        k_found = sum(idf(k_pairs[i][1], default) for i in k_unique if i in used)
        if not q_total or not k_total:
            return 0.0
        return 100.0 * ((q_found / q_total) ** 0.7) * ((k_found / k_total) ** 0.3)

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
        return len(self.products)


def _sorted_hashes(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(hashes, kind="stable").astype(np.int32)
    return order, hashes[order]


def _fingerprint(products: list[Product]) -> str:
    digest = hashlib.sha1()
    for p in products:
        digest.update(f"{p.sku}\x1f{p.name}\x1f{p.unit}\x1f{'|'.join(p.aliases)}\x1f{p.brand}\n".encode())
    return digest.hexdigest()


__all__ = ["CatalogIndex", "Match", "key_skeleton"]
