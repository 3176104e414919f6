import pytest

from nlu.normalize import prepare, tokenize
from nlu.quantities import find_amounts
from nlu.units import COUNT, DOZEN, MASS, VOLUME, UnitTable, default_units, same_family


@pytest.mark.parametrize(("word", "name", "kind"), [
    ("kg", "kg", MASS), ("kilo", "kg", MASS), ("keji", "kg", MASS), ("केजी", "kg", MASS),
    ("किलो", "kg", MASS), ("gm", "g", MASS), ("gram", "g", MASS), ("ग्राम", "g", MASS),
    ("ltr", "l", VOLUME), ("litre", "l", VOLUME), ("liter", "l", VOLUME), ("lt", "l", VOLUME),
    ("लिटर", "l", VOLUME), ("ml", "ml", VOLUME), ("एमएल", "ml", VOLUME),
    ("pao", "pao", MASS), ("dharni", "dharni", MASS), ("ser", "ser", MASS),
    ("dozen", "dozen", DOZEN), ("darjan", "dozen", DOZEN), ("दर्जन", "dozen", DOZEN),
    ("packet", "packet", COUNT), ("pkt", "packet", COUNT), ("poka", "packet", COUNT), ("पोका", "packet", COUNT),
    ("piece", "piece", COUNT), ("pcs", "piece", COUNT), ("wota", "piece", COUNT), ("ota", "piece", COUNT),
    ("वटा", "piece", COUNT), ("nos", "piece", COUNT),
    ("bottle", "bottle", COUNT), ("can", "can", COUNT), ("box", "box", COUNT),
    ("crate", "crate", COUNT), ("peti", "crate", COUNT), ("क्रेट", "crate", COUNT),
    ("carton", "carton", COUNT), ("cartoon", "carton", COUNT), ("ctn", "carton", COUNT), ("कार्टुन", "carton", COUNT),
    ("sack", "sack", COUNT), ("bora", "sack", COUNT), ("बोरा", "sack", COUNT),
    ("jar", "jar", COUNT), ("tube", "tube", COUNT), ("bar", "bar", COUNT), ("pouch", "pouch", COUNT),
])
def test_spellings(word, name, kind):
    unit = default_units().lookup(word)
    assert unit is not None and (unit.name, unit.kind) == (name, kind)


@pytest.mark.parametrize("word", ["chini", "rara", "min", "ton", "at", "cha"])
def test_ordinary_words_are_not_units(word):
    assert default_units().lookup(word) is None


@pytest.mark.parametrize(("value", "source", "target", "expected"), [
    (500, "gm", "kg", 0.5), (2, "kg", "g", 2000), (1.5, "l", "ml", 1500), (250, "ml", "l", 0.25),
    (2, "pao", "kg", 0.5), (1, "dharni", "kg", 2.3943), (1, "ser", "kg", 0.9331),
    (3, "peti", "crate", 3), (2, "kg", "l", None), (2, "carton", "packet", None),
])
def test_convert(value, source, target, expected):
    units = default_units()
    result = units.convert(value, units.lookup(source), target)
    assert result == pytest.approx(expected) if expected is not None else result is None


def test_units_file_is_the_source(tmp_path):
    custom = tmp_path / "units.txt"
    custom.write_text("packet = [packet] = _ = thaila\n", encoding="utf-8")
    table = UnitTable(custom)
    assert table.lookup("thaila").name == "packet"
    assert table.lookup("poka") is None


@pytest.mark.parametrize(("a", "b", "same"), [
    ("packet", "pouch", True), ("crate", "carton", True), ("box", "crate", True),
    ("packet", "carton", False), ("bottle", "crate", False), ("kg", "kg", True),
])
def test_unit_families(a, b, same):
    assert same_family(a, b) is same


@pytest.mark.parametrize(("text", "amounts"), [
    ("2 kg chini", [(2, "kg")]),
    ("chini 2kg", [(2, "kg")]),
    ("coke 1.5 l 12 ota", [(1.5, "l"), (12, "piece")]),
    ("mung dal 1 kg 500 gm", [(1.5, "kg")]),
    ("atta 25 kg bora 2", [(25, "kg"), (2, "sack")]),
    ("rin bar 20", [(20, "bar")]),
    ("parle g 50 packet", [(50, "packet")]),
    ("rara 10", [(10, None)]),
    ("chini २ केजी", [(2, "kg")]),
    ("3 darjan anda", [(3, "dozen")]),
])
def test_find_amounts(text, amounts):
    units = default_units()
    found, _ = find_amounts(tokenize(prepare(text), lambda w: units.lookup(w) is not None), units)
    assert [(a.value, a.unit.name if a.unit else None) for a in found] == [
        (pytest.approx(v), u) for v, u in amounts]
