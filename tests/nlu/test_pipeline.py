"""How the pipeline combines the intent model with rules and items."""

import pytest

from nlu.catalog_index import CatalogIndex
from nlu.pipeline import NluPipeline


class FixedIntent:
    """Stands in for the trained model: always answers the same label and confidence."""

    def __init__(self, label: str, confidence: float) -> None:
        self.label, self.confidence = label, confidence
        self.seen: list[str] = []

    def predict(self, text: str, *, tfidf_only: bool = False) -> tuple[str, float]:
        self.seen.append(text)
        return self.label, self.confidence


@pytest.fixture()
def make(demo_products):
    index = CatalogIndex(demo_products)
    return lambda label, conf, threshold=0.5: NluPipeline(FixedIntent(label, conf), index, threshold=threshold)


def test_parse_fields(make):
    parse = make("order", 0.9).parse("2 kg chini ra 5 packet wai wai pathaidinu")
    assert parse.intent == "order" and parse.confidence == 0.9 and parse.language == "ne"
    assert parse.normalized == "2 kg chini ra 5 packet wai wai pathaidinu"
    assert [(i.sku, i.quantity, i.unit) for i in parse.items] == [
        ("SUGAR-LOOSE", 2, "kg"), ("WAIWAI-CHK-PKT", 5, "packet")]
    assert parse.items[0].text == "2 kg chini" and parse.items[0].score == 100


def test_classifier_gets_the_raw_text(make):
    pipeline = make("order", 0.9)
    pipeline.parse("CHINI 5 KG 🙏")
    assert pipeline.classifier.seen == ["CHINI 5 KG 🙏"]


def test_below_threshold_is_out_of_scope(make):
    parse = make("greeting", 0.3).parse("asdfgh")
    assert parse.intent == "out_of_scope" and parse.items == []


def test_unsure_classifier_with_confident_items_is_an_order(make):
    parse = make("complaint", 0.3).parse("chini 5 kg, nun 10 packet")
    assert parse.intent == "order" and len(parse.items) == 2


@pytest.mark.parametrize("text", ["२०० रुपैयाँ नगद भुक्तानी गरें", "5000 esewa bata"])
def test_an_amount_and_a_way_of_paying_make_an_unsure_message_a_payment(make, text):
    for label, conf in (("out_of_scope", 0.9), ("greeting", 0.2), ("inquiry_price", 0.47)):
        parse = make(label, conf).parse(text)
        assert parse.intent == "payment" and {"amount", "method"} <= parse.entities.keys()


def test_a_confident_intent_wins_over_payment_words(make):
    assert make("balance", 0.9).parse("esewa bata 5000 tirna baki cha?").intent == "balance"


def test_confident_other_intent_drops_items(make):
    parse = make("complaint", 0.95).parse("2 ota coke crate ma bottle futeko thiyo")
    assert parse.intent == "complaint" and parse.items == []


@pytest.mark.parametrize(("text", "intent", "sku"), [
    ("chini ko rate kati?", "inquiry_price", "SUGAR-LOOSE"),
    ("rara cha?", "inquiry_stock", "RARA-PKT"),
    ("कोक क्रेट कति पर्छ?", "inquiry_price", "COKE-250-CRATE"),
])
def test_product_question_is_an_inquiry_naming_the_product(make, text, intent, sku):
    parse = make("order", 0.8).parse(text)
    assert parse.intent == intent
    assert [(i.sku, i.quantity) for i in parse.items] == [(sku, None)]


@pytest.mark.parametrize(("text", "intent"), [("👍", "affirm"), ("hunchha", "affirm"), ("hoina", "deny")])
def test_answers_are_rules_before_the_model(make, text, intent):
    pipeline = make("order", 0.99)
    assert pipeline.parse(text).intent == intent
    assert pipeline.classifier.seen == []


def test_without_a_classifier_items_still_make_an_order(rules_pipeline):
    assert rules_pipeline.parse("coke 2 crate").intent == "order"
    assert rules_pipeline.parse("namaste").intent == "out_of_scope"


def test_entities(make):
    parse = make("payment", 0.9).parse("khalti bata 2500 pathaye")
    assert parse.entities == {"method": "khalti", "amount": 2500}


def test_update_catalog(make, demo_products):
    pipeline = make("order", 0.9)
    assert pipeline.parse("rara 10 packet").items[0].sku == "RARA-PKT"
    pipeline.update_catalog([p for p in demo_products if not p.sku.startswith("RARA")])
    items = pipeline.parse("rara 10 packet").items
    assert all(not c.sku.startswith("RARA") for i in items for c in i.candidates)


def test_the_threshold_is_the_models_own_unless_given(demo_products) -> None:
    index = CatalogIndex(demo_products)
    calibrated = FixedIntent("order", 0.9)
    calibrated.threshold = 0.72  # type: ignore[attr-defined]
    assert NluPipeline(calibrated, index).threshold == 0.72
    assert NluPipeline(calibrated, index, threshold=0.4).threshold == 0.4
    assert NluPipeline(FixedIntent("order", 0.9), index).threshold == 0.5
