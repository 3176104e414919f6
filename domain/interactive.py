"""Interactive replies: reply buttons and lists, one model for every provider.

WhatsApp's limits are checked when a message is built (ValueError), so nothing that a provider would
refuse reaches the outbox. A button's or row's id is what comes back when it is tapped; ids made by
`say("YES")` stand for a typed reply, so a tap is handled exactly like the text it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

MAX_BUTTONS, MAX_BUTTON_TITLE = 3, 20
MAX_ROWS, MAX_SECTIONS, MAX_ROW_TITLE, MAX_ROW_DESCRIPTION = 10, 10, 24, 72
MAX_SECTION_TITLE, MAX_LIST_LABEL, MAX_ID = 24, 20, 200
MAX_PRODUCTS, MAX_PRODUCT_HEADER = 30, 60  # a multi-product message: products from the connected catalogue
SAY = "say:"


def say(text: str) -> str:
    """The id of a button or row that stands for typing `text`."""
    return SAY + text


def typed(payload: str | None) -> str | None:
    """The typed reply a tapped id stands for, or None when it stands for none."""
    return payload[len(SAY):] if payload and payload.startswith(SAY) and len(payload) > len(SAY) else None


def _check(what: str, value: str, limit: int, *, required: bool = True) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{what} is empty")
    if len(value) > limit:
        raise ValueError(f"{what} {value!r} is {len(value)} characters; WhatsApp allows {limit}")


@dataclass(frozen=True)
class Button:
    id: str
    title: str

    def __post_init__(self) -> None:
        _check("a button id", self.id, MAX_ID)
        _check("a button title", self.title, MAX_BUTTON_TITLE)


@dataclass(frozen=True)
class ListRow:
    id: str
    title: str
    description: str = ""

    def __post_init__(self) -> None:
        _check("a row id", self.id, MAX_ID)
        _check("a row title", self.title, MAX_ROW_TITLE)
        _check("a row description", self.description, MAX_ROW_DESCRIPTION, required=False)


@dataclass(frozen=True)
class ListSection:
    title: str
    rows: tuple[ListRow, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(self.rows))
        _check("a section title", self.title, MAX_SECTION_TITLE, required=False)
        if not self.rows:
            raise ValueError("a list section needs at least one row")


@dataclass(frozen=True)
class Interactive:
    """Reply buttons, a list, or products of the WhatsApp catalogue (rows whose ids are SKUs, the
    catalogue's retailer ids; `button_label` is then the message's header, `catalog_id` the catalogue)."""

    kind: Literal["buttons", "list", "products"]
    buttons: tuple[Button, ...] = ()
    sections: tuple[ListSection, ...] = ()
    button_label: str = ""  # a list's button, which opens it
    catalog_id: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "buttons", tuple(self.buttons))
        object.__setattr__(self, "sections", tuple(self.sections))
        if self.kind == "buttons":
            if not 1 <= len(self.buttons) <= MAX_BUTTONS or self.sections:
                raise ValueError(f"reply buttons: 1 to {MAX_BUTTONS} buttons and no sections")
            _unique([b.id for b in self.buttons], "button ids")
            _unique([b.title for b in self.buttons], "button titles")
        elif self.kind == "list":
            rows = self.rows
            if self.buttons or not 1 <= len(self.sections) <= MAX_SECTIONS or len(rows) > MAX_ROWS:
                raise ValueError(f"a list: 1 to {MAX_ROWS} rows in sections and no buttons")
            if len(self.sections) > 1 and not all(s.title.strip() for s in self.sections):
                raise ValueError("a list of several sections needs a title for each")
            _check("a list's button label", self.button_label, MAX_LIST_LABEL)
            _unique([r.id for r in rows], "row ids")
        elif self.kind == "products":
            rows = self.rows
            if self.buttons or not 1 <= len(self.sections) <= MAX_SECTIONS or len(rows) > MAX_PRODUCTS:
                raise ValueError(f"products: 1 to {MAX_PRODUCTS} in sections and no buttons")
            if len(rows) > 1 and not all(s.title.strip() for s in self.sections):
                raise ValueError("a multi-product message needs a title for each section")
            _check("a catalogue id", self.catalog_id, MAX_ID)
            _check("a product message's header", self.button_label, MAX_PRODUCT_HEADER, required=len(rows) > 1)
            _unique([r.id for r in rows], "product ids")
        else:
            raise ValueError(f"unknown interactive kind {self.kind!r}")

    @property
    def rows(self) -> tuple[ListRow, ...]:
        return tuple(r for s in self.sections for r in s.rows)

    @property
    def choices(self) -> tuple[Button | ListRow, ...]:
        """What can be tapped, in the order shown (the numbered text fallback's order)."""
        return self.buttons if self.kind == "buttons" else self.rows

    def to_json(self) -> dict[str, Any]:
        if self.kind == "buttons":
            return {"kind": "buttons", "buttons": [{"id": b.id, "title": b.title} for b in self.buttons]}
        extra = {"catalog_id": self.catalog_id} if self.kind == "products" else {}
        return {"kind": self.kind, "button_label": self.button_label, **extra,
                "sections": [{"title": s.title, "rows": [{"id": r.id, "title": r.title, "description": r.description}
                                                         for r in s.rows]} for s in self.sections]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Interactive:
        """The message `to_json` wrote; ValueError on anything else."""
        try:
            if data["kind"] == "buttons":
                return cls("buttons", buttons=tuple(Button(str(b["id"]), str(b["title"])) for b in data["buttons"]))
            if data["kind"] not in ("list", "products"):
                raise ValueError(f"unknown interactive kind {data['kind']!r}")
            return cls(data["kind"], button_label=str(data.get("button_label", "")),
                       catalog_id=str(data.get("catalog_id", "")), sections=tuple(
                ListSection(str(s.get("title", "")), tuple(
                    ListRow(str(r["id"]), str(r["title"]), str(r.get("description", ""))) for r in s["rows"]))
                for s in data["sections"]))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not an interactive message: {exc}") from exc


def buttons(*pairs: tuple[str, str]) -> Interactive:
    """Reply buttons from (id, title) pairs."""
    return Interactive("buttons", buttons=tuple(Button(i, t) for i, t in pairs))


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis (for titles made from product names)."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def fallback_text(body: str, interactive: Interactive) -> str:
    """The message as numbered text, for a channel or client that cannot show buttons or lists."""
    lines = [f"{n}) {c.title}" + (f" — {c.description}" if isinstance(c, ListRow) and c.description else "")
             for n, c in enumerate(interactive.choices, 1)]
    return "\n".join([body.rstrip(), "", *lines]) if body.strip() else "\n".join(lines)


def tapped(shown: Interactive | None, text: str) -> str | None:
    """The id a typed answer to `shown` picks by its number in the numbered fallback ("2"); None when
    it picks none. (A typed title is left to the text grammar: "accept" alone must still ask which
    order when several wait, though the last offer's Accept names one.)"""
    answer = text.strip().rstrip(".)").strip()
    if shown is None or shown.kind == "products" or not (answer.isdigit() and answer.isascii()):
        return None
    return shown.choices[int(answer) - 1].id if 1 <= int(answer) <= len(shown.choices) else None


def _unique(values: list[str], what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} must differ from one another")
