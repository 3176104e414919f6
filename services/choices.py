"""What can be tapped under each kind of message: buttons and lists standing for typed replies.

Each function takes `title`, which renders a text key in the reader's language, so a button reads
in the same language as the message above it; tapping it is handled as typing what its id says.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.catalog import Listing
from domain.interactive import (
    MAX_PRODUCTS,
    MAX_ROW_TITLE,
    MAX_SECTION_TITLE,
    Interactive,
    ListRow,
    ListSection,
    buttons,
    clip,
    say,
)

Title = Callable[[str], str]

YES, EDIT, NO = "YES", "EDIT", "NO"  # what a draft's buttons stand for, typed


def draft_buttons(title: Title) -> Interactive:
    """Confirm / Edit / Cancel under a draft."""
    return buttons((say(YES), title("button_confirm")), (say(EDIT), title("button_edit")),
                   (say(NO), title("button_cancel")))


def reminder_buttons(title: Title) -> Interactive:
    """Yes / Change / No under a reorder suggestion: order the same again, change it first, or not."""
    return buttons((say(YES), title("button_yes")), (say(EDIT), title("button_change")), (say(NO), title("button_no")))


def offer_buttons(order_id: int, title: Title, *, several: bool) -> Interactive:
    """Accept / Reject (and Accept part, when the order has more than one line) under a vendor's offer."""
    pairs = [(say(f"ACCEPT {order_id}"), title("button_accept")), (say(f"REJECT {order_id}"), title("button_reject"))]
    if several:
        pairs.append((say(f"PART {order_id}"), title("button_accept_part")))
    return buttons(*pairs)


def next_step_button(action: str, order_id: int, title: Title) -> Interactive:
    """The one button that moves an order on: "dispatched 1001" or "delivered 1001"."""
    return buttons((say(f"{action} {order_id}"), title(f"button_{action}")))


def catalogue_products(catalog_id: str, header: str, listings: list[Listing]) -> Interactive:
    """Products of the connected WhatsApp catalogue (by SKU, its retailer id), one section per category:
    the customer sees them and adds them to a cart, which comes back as an order message."""
    by_category: dict[str, list[ListRow]] = {}
    for listing in listings[:MAX_PRODUCTS]:
        row = ListRow(listing.sku, clip(listing.name, MAX_ROW_TITLE))
        by_category.setdefault(listing.category or "-", []).append(row)
    sections = tuple(ListSection(clip(category, MAX_SECTION_TITLE), tuple(rows))
                     for category, rows in by_category.items())
    return Interactive("products", sections=sections, button_label=clip(header, 60), catalog_id=catalog_id)
