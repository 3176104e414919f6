"""The NLU pipeline the dispatcher calls for every message: normalise, intent, items, entities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from domain.catalog import Product
from nlu.catalog_index import CatalogIndex
from nlu.compound import ordered_and_asked
from nlu.entities import confirmation, extract_entities, inquiry_kind
from nlu.fast_path import FastPath, keyed, plain
from nlu.items import ItemResolver
from nlu.normalize import detect_language, encodable, prepare, tokenize
from nlu.splitter import Span, Splitter, protected_names
from nlu.types import Parse, ParsedItem, Question

ORDER = "order"
INQUIRIES = ("inquiry_price", "inquiry_stock")
OUT_OF_SCOPE = "out_of_scope"
PAYMENT = "payment"
PAYMENT_EVIDENCE = frozenset({"amount", "method"})
SURE_OTHERWISE = 0.8
# Intents whose messages carry items the handler needs.
ITEM_INTENTS = frozenset({ORDER, *INQUIRIES})
# Intents a product question may override: the classifier often hears "rara cha?" as an order.
_QUESTION_OVERRIDES = frozenset({ORDER, "reorder", OUT_OF_SCOPE, "greeting", *INQUIRIES})
NOTHING_TO_ORDER = 0.9  # how sure a message the model calls an order, with no item in it, is not one
CONFIDENT_ITEM = 80.0  # an item this sure, with a quantity, makes an order of an unsure message
NAMED_ITEM = 75.0  # a span with no quantity is kept only when it names a product this clearly


@dataclass(frozen=True)
class _State:
    """Everything derived from one catalogue; replaced as a whole on update_catalog."""

    index: CatalogIndex
    splitter: Splitter
    resolver: ItemResolver
    categories: frozenset[str]
    protected: frozenset[str]  # names the splitter keeps whole (see splitter.protected_names)
    fast: FastPath


class IntentPredictor(Protocol):
    """What the pipeline needs from nlu.intent.IntentClassifier."""

    def predict(self, text: str, *, tfidf_only: bool = False) -> tuple[str, float]:
        """The intent and its confidence; tfidf_only: from the TF-IDF heads alone (no sentence
        embedding), for messages the rules already read as typical orders."""
        ...


class NluPipeline:
    def __init__(self, classifier: IntentPredictor | None, index: CatalogIndex, *,
                 threshold: float | None = None, fast_path: bool = True) -> None:
        self.classifier = classifier
        # None: the classifier's own threshold (cross-validated when it was trained); 0.5 without one
        self.threshold = threshold if threshold is not None else float(getattr(classifier, "threshold", 0.5))
        self.fast_path = fast_path  # parse with the memories of nlu.fast_path
        self._install(index)

    def update_catalog(self, products: Iterable[Product]) -> None:
        """Re-index after the catalogue changed (import, price update).

        The new index is built aside and swapped in with one assignment, so a parse running in
        another thread meanwhile sees either the old catalogue or the new one, never half of each.
        """
        self._install(CatalogIndex(products, self.index.units))

    def apply_changes(self, upserts: Iterable[Product], removed: Iterable[str] = ()) -> None:
        """Add, change or remove some products without re-indexing the rest (CatalogIndex.apply),
        swapped in the same way as update_catalog. Categories and protected names of removed
        products linger until the next full update (they only keep a phrase whole)."""
        upserts = list(upserts)
        old = self._state
        self._install(old.index.apply(upserts, removed), upserts, old)

    def _install(self, index: CatalogIndex, added: Iterable[Product] | None = None,
                 previous: _State | None = None) -> None:
        products = index.products if previous is None or added is None else added
        protected = protected_names(a for p in products for a in (p.name, *p.aliases, p.brand) if a)
        categories = frozenset(p.category for p in products if p.category)
        if previous is not None and added is not None:
            protected, categories = protected | previous.protected, categories | previous.categories
        splitter = Splitter(index.units, index.phrases, protected)
        resolver = ItemResolver(index)
        self._state = _State(index, splitter, resolver, categories, protected, FastPath(index, splitter, resolver))

    @property
    def index(self) -> CatalogIndex:
        return self._state.index

    def parse(self, text: str) -> Parse:
        state = self._state
        text = encodable(text)  # spaCy hashes words as UTF-8
        prepared = prepare(text)
        tokens = tokenize(prepared, state.splitter.is_unit)
        normalized = " ".join(tokens)
        splitter, resolver = (state.fast.splitter, state.fast.resolver) if self.fast_path else \
            (state.splitter, state.resolver)
        spans = splitter.item_spans(prepared)
        items = self._items(resolver, spans)
        entities = extract_entities(prepared, tokens, state.categories)
        # A typical order (nlu.fast_path) is the TF-IDF heads' to read: they were trained on its
        # like, and the sentence embedding costs a hundred times their time. The rule holds with
        # and without the memories, so the fast path still answers what the full pipeline does.
        is_key = state.fast.resolver.is_key if self.fast_path else state.index.is_key
        typical = self.classifier is not None and plain(text, prepared) and keyed(spans, is_key)
        intent, confidence = self._intent(text, prepared, tokens, items, entities, typical)
        kept = items if intent in ITEM_INTENTS else []
        question = None
        if intent in INQUIRIES:
            kept = [i for i in kept if i.sku or i.candidates]
            compound = ordered_and_asked(kept, tokens, CONFIDENT_ITEM)
            if compound:  # it orders too: the order is taken and the question answered beside it
                kept, asked = compound
                question = Question(intent, asked) if asked else None
                intent = ORDER
        return Parse(text=text, normalized=normalized, language=detect_language(text, prepared), intent=intent,
                     confidence=round(confidence, 3), items=kept, entities=entities, question=question)

    def takes_fast_path(self, text: str) -> bool:
        """Whether parse(text) is a typical order on the fast path (nlu.fast_path: no phrase of
        it needs the fuzzy search), which the intent model, if any, reads with its TF-IDF heads
        alone (no sentence embedding; a model with no such heads embeds it all the same)."""
        return self.fast_path and self._typical(text) and not self.embeds(text)

    def embeds(self, text: str) -> bool:
        """Whether parse(text) runs the intent model's sentence embedding."""
        embeds = getattr(self.classifier, "embeds", None)
        return embeds is not None and embeds(text, tfidf_only=self._typical(text))

    def _typical(self, text: str) -> bool:
        text = encodable(text)
        return self._state.fast.typical(text, prepare(text))

    def items(self, prepared: str) -> list[ParsedItem]:
        """Every item a prepared message (normalize.prepare) orders or names, in message order."""
        state = self._state
        return self._items(state.resolver, state.splitter.item_spans(prepared))

    def items_among(self, prepared: str, products: Iterable[Product]) -> list[ParsedItem]:
        """The items a prepared message names among a few products only (an order's own lines)."""
        return NluPipeline(None, CatalogIndex(products, self.index.units)).items(prepared)

    @staticmethod
    def _items(resolver: ItemResolver, spans: list[Span]) -> list[ParsedItem]:
        out: list[ParsedItem] = []
        for span in spans:
            if not span.words:
                continue
            item = resolver.resolve(span)
            if item is None:
                continue
            if not span.amounts and (item.score < NAMED_ITEM or not (item.sku or item.ambiguous)):
                continue  # a shop name, an address, a greeting line
            if not (item.sku or item.ambiguous) and all(a.unit is None for a in span.amounts):
                continue  # nothing known and a bare number: "Butwal-8", a phone or ward number
            out.append(item)
        return out

    def _intent(self, text: str, prepared: str, tokens: list[str], items: list[ParsedItem],
                entities: dict[str, object], typical: bool) -> tuple[str, float]:
        answer = confirmation(tokens)
        if answer:
            return answer, 0.99
        label, confidence = self.classifier.predict(text, tfidf_only=typical) if self.classifier \
            else (OUT_OF_SCOPE, 0.0)
        # An amount and a way of paying ("२०० नगद", "5000 esewa bata") make a payment claim unless the
        # model is sure of something else ("esewa bata 5000 tirna baki cha?" stays a balance question).
        if entities.keys() >= PAYMENT_EVIDENCE and (label == OUT_OF_SCOPE or confidence < SURE_OTHERWISE):
            return PAYMENT, max(confidence, 0.7)
        named = [i for i in items if i.sku or i.ambiguous]
        question = inquiry_kind(prepared, tokens) if named else None
        if question and (label in _QUESTION_OVERRIDES or confidence < self.threshold):
            if label in INQUIRIES and confidence >= self.threshold:
                return label, confidence
            return question, max(confidence, 0.75)
        if label == ORDER and not items:
            # Nothing in it to order: "covid19", "mp3", "²", a bank or weather question. The model
            # hears digits and letter-digit words as orders; an order needs an item.
            return OUT_OF_SCOPE, NOTHING_TO_ORDER
        if confidence >= self.threshold:
            return label, confidence
        ordered = [i for i in named if i.quantity is not None and i.score >= CONFIDENT_ITEM]
        if ordered:
            return ORDER, max(confidence, 0.7)
        return OUT_OF_SCOPE, confidence
