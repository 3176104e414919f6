import pytest

from nlu.normalize import detect_language, normalize, skeleton, transliterate
from nlu.units import default_units


def _is_unit(word: str) -> bool:
    return default_units().lookup(word) is not None


@pytest.mark.parametrize(("text", "expected"), [
    ("CHINI 5 KG", "chini 5 kg"),
    ("Chini:5kg, Masoor:3kg", "chini 5 kg masoor 3 kg"),
    ("चिनी ५ केजी", "चिनी 5 केजी"),
    ("१२ वटा", "12 वटा"),
    ("ek kilo chini", "1 kilo chini"),
    ("dui bora", "2 bora"),
    ("paanch packet", "5 packet"),
    ("panch kg", "5 kg"),
    ("pachas packet parle g", "50 packet parle g"),
    ("dui saya", "200"),
    ("ek hajar paanch saya", "1500"),
    ("twelve bottles", "12 bottles"),
    ("fifteen kg", "15 kg"),
    ("एक क्रेट", "1 क्रेट"),
    ("दुई बोरा", "2 बोरा"),
    ("तीन पोका", "3 पोका"),
    ("adha kilo", "0.5 kilo"),
    ("aadha kg", "0.5 kg"),
    ("dedh kg", "1.5 kg"),
    ("sawa kg", "1.25 kg"),
    ("dhai kg", "2.5 kg"),
    ("adhai kg", "2.5 kg"),
    ("½ kg", "0.5 kg"),
    ("1½ kg", "1.5 kg"),
    ("1/2 kg", "1/2 kg"),
    ("chini 5 kg 🙏🙏", "chini 5 kg"),
    ("👍", "ok"),
    ("👎", "no"),
    # ambiguous number words count only before a unit
    ("tin crate anda", "3 crate anda"),
    ("rara chha?", "rara chha"),
    ("chha wota lux", "6 wota lux"),
    ("do bora chawal", "2 bora chawal"),
    ("do you have rara", "do you have rara"),
    ("रारा छ?", "रारा छ"),
])
def test_normalize(text, expected):
    assert normalize(text, _is_unit) == expected


@pytest.mark.parametrize(("text", "language"), [
    ("2 kg chini ra 5 packet wai wai pathaidinu", "ne"),
    ("mero order kaha pugyo?", "ne"),
    ("bhaiya 2 peti coke bhej do", "hi"),
    ("कोक एक क्रेट", "ne-deva"),
    ("मेरो अर्डर कहाँ पुग्यो?", "ne-deva"),
    ("chini २ केजी", "ne-deva"),
    ("please send 2 cartons of wai wai", "en"),
    ("how much do i owe", "en"),
    ("hello", "en"),
])
def test_detect_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("variants", [
    ("chini", "cheeni", "चिनी", "चीनी"),
    ("coke", "कोक"),
    ("waiwai", "वाइवाइ"),
    ("rara", "रारा"),
    ("anda", "ande", "अण्डा"),
    ("masoor", "मसुरो"),
    ("jeera", "jira", "जिरा"),
    ("colget", "कोलगेट"),
])
def test_skeleton_merges_spellings(variants):
    assert len({skeleton(v) for v in variants}) == 1


@pytest.mark.parametrize(("deva", "roman"), [
    ("चिनी", "chini"), ("रारा", "rara"), ("कोलगेट", "kolget"), ("नमस्ते", "namaste"), ("पाँच", "panch"),
])
def test_transliterate(deva, roman):
    assert transliterate(deva) == roman
