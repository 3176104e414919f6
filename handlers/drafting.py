"""Helpers the order handlers share: sorting parsed items, asking about unclear ones, showing the draft.

Questions wait in the conversation data (JSON only): `{"order_id", "questions": [...]}` where a
question is `{"kind": "choose", "text", "quantity", "mode", "options": [{"sku", "name", "unit"}]}` or
`{"kind": "quantity", "sku", "name", "unit", "mode"}` and mode is what the answer does to the line
(nlu.edits: add, reduce, set). The draft itself is a DRAFT order row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain import bounds
from domain.formatting import amount
from domain.interactive import MAX_ROW_TITLE, Interactive, ListRow, ListSection, clip, say
from domain.orders import Order, OrderLine
from domain.packs import deliverable, is_counted, whole_units
from handlers.context import Reply
from nlu.edits import ADD, REDUCE, REMOVE, SET, edit_kind
from nlu.normalize import prepare
from nlu.numbers import parse_numeral
from services import UnitOfWork
from services.catalogue import products
from services.choices import draft_buttons
from services.drafts import credit_available, edit_draft
from services.notifications import render_lines

CONFIRM, CHOOSE, QUANTITY = "order.confirm", "order.choose", "order.quantity"
MAX_OPTIONS = 4
_NUMBER = re.compile(r"\d+(?:[./]\d+)?|[०-९]+")


@dataclass
class Sorted:
    """A message's items sorted: lines ready for the draft (sku, quantity, mode), SKUs to remove,
    questions to ask, texts not found at all, and the roundings to show."""

    ready: list[tuple[str, Decimal, str]] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    rounded: list[dict[str, Any]] = field(default_factory=list)


def item_mode(item: Any, message_mode: str | None) -> str:
    """What an item does to its line: its own span's verb, else the message's, else set."""
    mode = edit_kind(item.text) or message_mode or SET
    if mode == REMOVE and item.quantity:
        return REDUCE  # "2 packet wai wai hatau": two packets fewer
    return mode


def sort_items(items: Iterable[Any], message_mode: str | None = None,
               units: Mapping[str, str] | None = None) -> Sorted:
    """Parsed items sorted into what goes in the draft, what to ask about and what is unknown.
    `units` gives each SKU's selling unit (else the item's own unit decides what is counted)."""
    out = Sorted()
    units = units or {}
    for item in items:
        mode = item_mode(item, message_mode)
        # refused here (OutOfBounds), before a draft line or a question in the conversation keeps it
        quantity = bounds.read_number(item.quantity, bounds.QUANTITY) if item.quantity else None
        counted = bool(item.sku) and is_counted(units.get(item.sku, item.unit))
        if counted and quantity and mode != REMOVE and whole_units(quantity) is None:
            # less than one bottle or packet ("200 ml tori tel"): say so and ask how many
            out.rounded.append({"text": item.text, "exact": _shown(quantity), "name": item.name,
                                "unit": item.unit or "", "quantity": ""})
            out.questions.append({"kind": "quantity", "sku": item.sku, "name": item.name, "unit": item.unit or "",
                                  "mode": mode})
            continue
        if item.sku and mode == REMOVE:
            out.remove.append(item.sku)
        elif item.sku and quantity:
            whole = deliverable(quantity, units.get(item.sku, item.unit)) or quantity
            if whole != quantity:
                out.rounded.append({"text": item.text, "exact": _shown(quantity), "name": item.name,
                                    "unit": item.unit or "", "quantity": _shown(whole)})
            out.ready.append((item.sku, whole, mode))
        elif item.sku:
            out.questions.append({"kind": "quantity", "sku": item.sku, "name": item.name, "unit": item.unit or "",
                                  "mode": mode})
        elif item.ambiguous and item.candidates:
            options = [{"sku": c.sku, "name": c.name} for c in item.candidates[:MAX_OPTIONS]]
            out.questions.append({"kind": "choose", "text": item.text, "options": options,
                                  "quantity": item.quantity, "mode": mode})
        else:
            out.unknown.append(item.text)
    return out


async def selling_units(uow: UnitOfWork, items: Sequence[Any]) -> dict[str, str]:
    """The selling unit of each SKU the items name."""
    skus = {i.sku for i in items if i.sku}
    return {sku: p.unit for sku, p in (await products(uow, skus)).items()} if skus else {}


def _shown(value: Decimal) -> str:
    """A quantity as people write it: 5, 4.79 (at most two decimals)."""
    text = f"{value.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return f"{value:.2g}" if text == "0" and value else text


async def tell_rounded(reply: Reply, rounded: Sequence[dict[str, Any]]) -> None:
    """Say how each converted amount became whole units, or that it is less than one unit."""
    for note in rounded:
        await reply("order_rounded" if note["quantity"] else "order_less_than_one", **note)


def message_items(parse: Any, nlu: Any, text: str) -> list[Any]:
    """The parse's items, or (when the intent dropped them) the items the product matcher finds."""
    if parse.items:
        return list(parse.items)
    try:
        return [i for i in nlu.pipeline.items(prepare(text)) if i.sku or i.ambiguous]
    except AttributeError:
        return []


def number_in(text: str) -> Decimal | None:
    """The first number in a reply ("5", "2.5", "५"), or None; OutOfBounds past a quantity's bound."""
    match = _NUMBER.search(text)
    value = parse_numeral(match.group()) if match else None
    return bounds.read_number(value, bounds.QUANTITY) if value else None


async def named_skus(uow: UnitOfWork, nlu: Any, phrase: str, lines: Sequence[OrderLine]) -> list[str]:
    """The order lines a phrase names ("wai wai", "coke"): matched against the lines' own products
    first (an order's only Coca-Cola is its crate, though "coke" alone best fits a bottle), then
    through the whole catalogue's matcher, then by name."""
    own = await products(uow, [li.sku for li in lines], aliases=True)
    try:
        hits = _named(nlu.pipeline.items_among(prepare(phrase), own.values()), lines) if own else []
        hits = hits or _named(nlu.pipeline.items(prepare(phrase)), lines, candidates=True)
    except AttributeError:
        hits = []
    words = phrase.strip().lower()
    return hits or [li.sku for li in lines if words and (words in li.name.lower() or words in li.sku.lower())]


def _named(items: Iterable[Any], lines: Sequence[OrderLine], *, candidates: bool = False) -> list[str]:
    """The lines the items name: each item's SKU, or all its candidates when it is ambiguous (or,
    from the whole catalogue, any candidate: the order may hold a sibling of the best match)."""
    wanted = {sku for i in items
              for sku in ([i.sku] if i.sku else []) + [c.sku for c in i.candidates if candidates or i.ambiguous]}
    return [li.sku for li in lines if li.sku in wanted]


async def apply_items(uow: UnitOfWork, user: Any, now: datetime, config: Any,
                      ready: Sequence[tuple[str, Decimal, str]], remove: Sequence[str] = ()) -> Order:
    """Put items in the draft: mode "add" adds to a line's quantity, "reduce" takes from it, "set"
    replaces it; `remove` drops lines."""
    by_mode: dict[str, list[tuple[str, Decimal]]] = {ADD: [], REDUCE: [], SET: []}
    for sku, quantity, mode in ready:
        by_mode.get(mode, by_mode[SET]).append((sku, quantity))
    return await edit_draft(uow, user.id, now=now, config=config, set_items=by_mode[SET], add_items=by_mode[ADD],
                            reduce_items=by_mode[REDUCE], remove=remove)


async def show_draft(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, draft: Order) -> None:
    """The draft summary with credit, awaiting YES or a change; an empty draft says so."""
    if not draft.lines:
        await reply("order_draft_empty")
        convo.reset()
        return
    available = await credit_available(uow, user.id)
    await reply("order_draft", lines=await render_lines(uow, reply.language, draft.lines), order_id=draft.id,
                total=amount(draft.total), available=amount(available), interactive=draft_buttons(titles(reply)))
    convo.set(CONFIRM, order_id=draft.id, said=said_lines(convo, {li.sku for li in draft.lines}))


async def candidate_list(reply: Reply, uow: UnitOfWork, options: Sequence[dict[str, Any]]) -> Interactive:
    """The candidates of an unclear item as a list: name, price and pack; a row stands for its number."""
    found = await products(uow, [o["sku"] for o in options])
    rows = tuple(ListRow(say(str(n)), clip(o["name"], MAX_ROW_TITLE),
                         reply.texts.render("order_choose_row", reply.language, price=amount(found[o["sku"]].price),
                                            unit=found[o["sku"]].unit) if o["sku"] in found else "")
                 for n, o in enumerate(options, 1))
    return Interactive("list", sections=(ListSection("", rows),), button_label=titles(reply)("button_choose"))


def titles(reply: Reply) -> Callable[[str], str]:
    """Renders a button's text key in the language of this turn's answer."""
    return lambda key: reply.texts.render(key, reply.language)


async def ask_next(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, now: datetime, config: Any,
                   questions: list[dict[str, Any]], draft: Order | None = None) -> None:
    """Ask the first open question, or show the draft when none is left: `draft` as this turn just
    priced it (not priced again), else the retailer's draft priced now."""
    if not questions:
        draft = draft or await edit_draft(uow, user.id, now=now, config=config)
        await show_draft(reply, uow, user, convo, draft)
        return
    question = questions[0]
    if question["kind"] == "choose":
        options = "\n".join(reply.texts.render("order_choose_option", reply.language, number=n, name=o["name"])
                            for n, o in enumerate(question["options"], 1))
        await reply("order_choose", text=question["text"], options=options,
                    interactive=await candidate_list(reply, uow, question["options"]))
        convo.set(CHOOSE, questions=questions, said=said_lines(convo))
    else:
        await reply("order_ask_quantity", name=question["name"], unit=question["unit"])
        convo.set(QUANTITY, questions=questions, said=said_lines(convo))


def said_lines(convo: Any, skus: Iterable[str] | None = None) -> dict[str, list[Any]]:
    """What the retailer said for each draft line (sku -> [text, quantity]), kept in the
    conversation while the draft is open (services.learned_aliases.remember_switch); only the
    lines in `skus` when given."""
    said = dict(convo.data.get("said") or {})
    return said if skus is None else {k: v for k, v in said.items() if k in skus}


def note_said(convo: Any, items: Iterable[Any]) -> None:
    """Keep what was said for the items going into the draft."""
    said = said_lines(convo)
    said.update({i.sku: [i.text, i.quantity] for i in items if i.sku})
    convo.data["said"] = said
