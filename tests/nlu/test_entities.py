import pytest

from nlu.entities import confirmation, extract_entities, inquiry_kind
from nlu.normalize import prepare, tokenize


def _entities(text):
    prepared = prepare(text)
    return extract_entities(prepared, tokenize(prepared), ["noodles", "biscuits", "oil", "pulses"])


@pytest.mark.parametrize(("text", "amount", "method"), [
    ("5000 esewa gare", 5000, "esewa"),
    ("khalti bata 2500 pathaye", 2500, "khalti"),
    ("paid 10000 by bank transfer", 10000, "bank"),
    ("Rs. 3,500 cash ma diye", 3500, "cash"),
    ("रु ५००० इसेवा गरेँ", 5000, "esewa"),
    ("I have transferred 7,250 to your account", 7250, "bank"),
    ("nrs 2000 cash payment gare", 2000, "cash"),
])
def test_payment(text, amount, method):
    entities = _entities(text)
    assert entities["amount"] == amount and entities["method"] == method


@pytest.mark.parametrize(("text", "ref"), [
    ("order 1042 ko status k cha?", "1042"),
    ("where is my order #1042", "1042"),
    ("#1077 status please", "1077"),
    ("order no 998 dispatch bhayo?", "998"),
    ("अर्डर 1050 रद्द", "1050"),
])
def test_order_ref(text, ref):
    entities = _entities(text)
    assert entities["order_ref"] == ref
    assert entities.get("amount") in (None,) or str(int(entities["amount"])) != ref


@pytest.mark.parametrize(("text", "category"), [
    ("k k noodles cha?", "noodles"), ("show me all biscuits", "biscuits"), ("tel ko list pathaunus", "oil"),
    ("dal haru ko list", "pulses"),
])
def test_category(text, category):
    assert _entities(text)["category"] == category


@pytest.mark.parametrize(("text", "answer"), [
    ("yes", "affirm"), ("ho", "affirm"), ("hunchha", "affirm"), ("haan", "affirm"), ("thik cha", "affirm"),
    ("👍", "affirm"), ("ok", "affirm"), ("ok dai", "affirm"), ("hajur huncha", "affirm"), ("ठिक छ", "affirm"),
    ("हो", "affirm"), ("yes please confirm", "affirm"), ("theek hai", "affirm"),
    ("no", "deny"), ("hoina", "deny"), ("pardaina", "deny"), ("nahi", "deny"), ("no thanks", "deny"),
    ("हैन", "deny"), ("👎", "deny"), ("hoina dai", "deny"), ("galat ho", "deny"),
    ("2 kg chini", None), ("ok 2 kg chini pathau", None), ("namaste", None), ("cancel my order", None),
])
def test_confirmation(text, answer):
    assert confirmation(tokenize(prepare(text))) == answer


@pytest.mark.parametrize(("text", "kind"), [
    ("chini ko rate kati?", "inquiry_price"), ("how much is 1 carton wai wai", "inquiry_price"),
    ("चिनीको भाउ कति हो?", "inquiry_price"), ("masoor dal kitne ka hai?", "inquiry_price"),
    ("rara cha?", "inquiry_stock"), ("do you have basmati rice?", "inquiry_stock"),
    ("harpic hai kya?", "inquiry_stock"), ("रारा छ?", "inquiry_stock"),
    ("2 kg chini pathaidinu", None), ("chini 5 kg", None),
])
def test_inquiry_kind(text, kind):
    prepared = prepare(text)
    assert inquiry_kind(prepared, tokenize(prepared)) == kind
