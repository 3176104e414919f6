"""nlu.edits: the edit a message says, wherever its verb stands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.edits import ADD, REDUCE, REMOVE, SET, edit_kind, without_edit_words


@pytest.mark.parametrize(("text", "kind"), [
    ("1 kg musuro dal thap", ADD), ("thap 1 kg musuro dal", ADD), ("wai wai pani 2 carton thapnu", ADD),
    ("2 crate coke thap", ADD), ("add 2 crate coke", ADD), ("1 kg masoor dal aur add karo", ADD),
    ("aur 1 kg masoor dal", ADD), ("coke 2 crate badhao", ADD), ("+2 kg chini", ADD),
    ("musuro dal 1 kg ghatau", REDUCE), ("masoor dal 1 kg kam karo", REDUCE), ("aru 2 kg chini ghatau", REDUCE),
    ("wai wai hatau", REMOVE), ("coke nahi chahiye", REMOVE), ("wai wai chahidaina", REMOVE),
    ("hatao masoor dal", REMOVE), ("कोक चाहिँदैन", REMOVE), ("कोक नहीं चाहिए", REMOVE),
    ("chini 3 kg banau", SET), ("मसूर दाल १ किलो बढ़ाओ", ADD), ("१ केजी मसुरो दाल थप", ADD),
    ("2 kg chini ra 5 packet wai wai", None), ("2 kg chini aur 1 kg dal", None), ("2 bottle pani", None),
    ("clinic plus 2 bottle", None),
])
def test_edit_kind(text: str, kind: str | None) -> None:
    assert edit_kind(text) == kind


def test_without_edit_words() -> None:
    assert without_edit_words("coke nahi chahiye") == "coke"
    assert without_edit_words("hatau wai wai") == "wai wai"


VERBS = st.sampled_from([("thap", ADD), ("thapnu", ADD), ("add", ADD), ("badhau", ADD), ("ghatau", REDUCE),
                         ("kam", REDUCE), ("hatau", REMOVE), ("banau", SET), ("chahidaina", REMOVE),
                         ("hatao", REMOVE), ("badhao", ADD)])
PHRASES = st.sampled_from(["2 kg chini", "musuro dal 1 kg", "5 packet wai wai", "coke 2 crate", "tori tel 3 bottle"])


@given(PHRASES, VERBS, st.integers(min_value=0, max_value=10))
def test_a_verb_is_heard_wherever_it_stands(phrase: str, verb: tuple[str, str], at: int) -> None:
    words = phrase.split()
    words.insert(at % (len(words) + 1), verb[0])
    assert edit_kind(" ".join(words)) == verb[1]
