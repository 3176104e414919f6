import pytest

from nlu.normalize import prepare
from nlu.splitter import Splitter


@pytest.fixture(scope="module")
def splitter(demo_index, demo_products):
    protected = {a.lower() for p in demo_products for a in (p.name, *p.aliases)}
    return Splitter(demo_index.units, demo_index.phrases, protected)


def _spans(splitter, text):
    return [(" ".join(s.words), [(a.value, a.unit.name if a.unit else None) for a in s.amounts])
            for s in splitter.split(prepare(text))]


@pytest.mark.parametrize(("text", "expected"), [
    ("2 kg chini ra 5 packet wai wai pathaidinu",
     [("chini", [(2, "kg")]), ("wai wai", [(5, "packet")])]),
    ("chini 5 kg, nun 10 pkt; rara 2 carton",
     [("chini", [(5, "kg")]), ("nun", [(10, "packet")]), ("rara", [(2, "carton")])]),
    ("chini 5 kg + nun 5 pkt & dal 2 kg",
     [("chini", [(5, "kg")]), ("nun", [(5, "packet")]), ("dal", [(2, "kg")])]),
    ("10 kilo cheeni aur 5 kilo atta", [("cheeni", [(10, "kg")]), ("atta", [(5, "kg")])]),
    ("coke 2 crate ani fanta 1 crate", [("coke", [(2, "crate")]), ("fanta", [(1, "crate")])]),
    ("I need 10 kg sugar and 5 kg masoor dal", [("sugar", [(10, "kg")]), ("masoor dal", [(5, "kg")])]),
    ("चिनी ५ केजी र नुन २ पोका", [("चिनी", [(5, "kg")]), ("नुन", [(2, "packet")])]),
    # list numbers are not quantities
    ("1. chini 10 kg\n2. nun 10 packet\n3. rara 2 carton",
     [("chini", [(10, "kg")]), ("nun", [(10, "packet")]), ("rara", [(2, "carton")])]),
    ("1) masoor 5kg\n2) tori tel 1 jar", [("masoor", [(5, "kg")]), ("tori tel", [(1, "jar")])]),
    ("- chini 20 kg\n- dudh 10 packet", [("chini", [(20, "kg")]), ("dudh", [(10, "packet")])]),
    ("• parle g 1 box\n• good day 12 pkt", [("parle", [(1, "box")]), ("good day", [(12, "packet")])]),
    # no separators: one span per amount-and-product
    ("2kg chini 1kg nun 1 pkt tokla",
     [("chini", [(2, "kg")]), ("nun", [(1, "kg")]), ("tokla", [(1, "packet")])]),
    ("kurkure 20 pkt lays 20 pkt", [("kurkure", [(20, "packet")]), ("lays", [(20, "packet")])]),
    # a size in the description stays with its item
    ("surf excel 1 kg ko 10 packet", [("surf excel", [(1, "kg"), (10, "packet")])]),
    ("coke 1.5 l 12 ota", [("coke", [(1.5, "l"), (12, "piece")])]),
    ("basmati 5 kg wala india gate 2 bag", [("basmati india gate", [(5, "kg"), (2, "bag")])]),
    # negated alternatives are not ordered
    ("12 bottle matra, crate hoina, coke 500 ml", [("coke", [(12, "bottle"), (500, "ml")])]),
    ("fanta 2 crate hoina 1 crate matra", [("fanta", [(1, "crate")])]),
    ("coke 2 crate, sprite chai pardaina", [("coke", [(2, "crate")])]),
    # names with "and" or a number inside stay whole
    ("hide and seek 6 pkt, oreo 6 pkt", [("hide and seek", [(6, "packet")]), ("oreo", [(6, "packet")])]),
    ("5 star 24", [("5 star", [(24, None)])]),
    ("2pm 30 packet", [("2pm", [(30, "packet")])]),  # one word, as the catalogue keys it
])
def test_split(splitter, text, expected):
    assert _spans(splitter, text) == [(w, [(pytest.approx(v), u) for v, u in a]) for w, a in expected]



def test_every_protected_name_of_a_line_stays_whole(demo_index):
    names = {"hide and seek", "bread and butter", "salt and pepper chips", "tom and jerry candy"}
    splitter = Splitter(demo_index.units, None, names)
    spans = _spans(splitter, "bread and butter 2 and hide and seek 6 pkt and salt 1 kg and tom and jerry candy 3")
    assert [w for w, _ in spans] == ["bread and butter", "hide and seek", "salt", "tom and jerry candy"]


@pytest.mark.parametrize(("said", "words"), [
    ("head & shoulders", "head shoulders"), ("head&shoulders", "head shoulders"),
    ("head + shoulders", "head shoulders"), ("head & shoulder", "head shoulder"),
    ("head and shoulders", "head and shoulders"),
])
def test_a_name_with_a_sign_stays_whole_however_it_is_written(demo_index, said, words):
    splitter = Splitter(demo_index.units, None, {"head & shoulders"})
    spans = _spans(splitter, f"{said} 340 ml 3 bottle, oreo 6 pkt")
    assert spans == [(words, [(340, "ml"), (3, "bottle")]), ("oreo", [(6, "packet")])]
