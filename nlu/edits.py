"""What a message does to lines already in the draft: add to them, reduce, remove or set them.

The verb may stand anywhere: "thap 2 crate coke", "2 crate coke thap", "wai wai pani 2 carton
thapnu", "chini 1 kg kam karo", "coke nahi chahiye". A message without an edit verb sets the
quantities it names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nlu.lexicon import (
    ADD_VERBS,
    ALSO_WORDS,
    MORE_OR_AND,
    NOT_PRODUCT,
    REDUCE_VERBS,
    REMOVE_PAIRS,
    REMOVE_VERBS,
    SET_VERBS,
)
from nlu.normalize import prepare, tokenize
from nlu.units import default_units

ADD, REDUCE, REMOVE, SET = "add", "reduce", "remove", "set"
_SINGLE = ((ADD_VERBS, ADD), (REDUCE_VERBS, REDUCE), (REMOVE_VERBS, REMOVE), (SET_VERBS, SET))


def _is_number(token: str) -> bool:
    return token.replace(".", "", 1).replace("/", "", 1).isdigit()


def _is_unit(token: str) -> bool:
    return default_units().lookup(token) is not None


def is_also(tokens: Sequence[str], i: int, is_unit: Callable[[str], bool] = _is_unit) -> bool:
    """Whether tokens[i] is an "also" word after a product ("wai wai pani") rather than a product
    ("2 bottle pani" is water)."""
    return tokens[i] in ALSO_WORDS and any(
        not _is_number(t) and not is_unit(t) and t not in NOT_PRODUCT and t not in ALSO_WORDS
        and t not in MORE_OR_AND for t in tokens[:i])


def _kind_at(tokens: Sequence[str], i: int) -> tuple[str, int, bool] | None:
    """The edit said at tokens[i], how many tokens say it and whether only softly ("also",
    "more"), or None."""
    token = tokens[i]
    if i + 1 < len(tokens) and (token, tokens[i + 1]) in REMOVE_PAIRS:
        return REMOVE, 2, False
    for verbs, kind in _SINGLE:
        if token in verbs:
            return kind, 1, False
    if token in MORE_OR_AND and (i in (0, len(tokens) - 1) or _is_number(tokens[i - 1])
                                 or _is_unit(tokens[i - 1])):
        return ADD, 1, True
    if is_also(tokens, i):
        return ADD, 1, True
    return None


def _said(text: str) -> tuple[list[str], list[tuple[int, int, str, bool]]]:
    tokens = tokenize(prepare(text))
    found: list[tuple[int, int, str, bool]] = []
    i = 0
    while i < len(tokens):
        hit = _kind_at(tokens, i)
        if hit is None:
            i += 1
            continue
        found.append((i, i + hit[1], hit[0], hit[2]))
        i += hit[1]
    if text.lstrip().startswith("+"):
        found.insert(0, (0, 0, ADD, False))
    return tokens, found


def edit_kinds(text: str) -> set[str]:
    """Every edit the text says."""
    return {kind for _, _, kind, _ in _said(text)[1]}


def edit_kind(text: str) -> str | None:
    """The one edit the text says; None when it says none. A verb beats "also" and "more"
    ("aru 2 kg chini ghatau" reduces); of two verbs the last said wins."""
    found = _said(text)[1]
    verbs = [kind for _, _, kind, soft in found if not soft]
    kinds = verbs or [kind for _, _, kind, _ in found]
    return kinds[-1] if kinds else None


def without_edit_words(text: str) -> str:
    """The text's words less its edit verbs: what a removal names ("wai wai hatau" -> "wai wai")."""
    tokens, found = _said(text)
    dropped = {i for start, end, _, _ in found for i in range(start, end)}
    return " ".join(t for i, t in enumerate(tokens) if i not in dropped)
