"""The application layer: use cases, one module per family, each taking the unit of work.

    ordering      confirm_order, cancel_order          drafts       open_draft, edit_draft, reprice
    fulfilment    accept_order, reject_order, advance  lifecycle    offer_to, split_off, end_order
    reassignment  reassign_order, expire_offers        payments     claims and their decisions
    credit        credit scoring and risk              healing      stuck orders found and mended
    safe_mode     pausing and releasing orders         reminders    reorder reminders
    scoring       vendor scores                        ops/         what operators read and change
    catalogue, order_history, stock, media, complaints, preferences: what the chat handlers read and set

What happened is recorded as events (`services.events`); `services.notifications` is the one place
that turns them into messages. Handlers and jobs call these functions and nothing below them.
"""

from storage.uow import UnitOfWork

__all__ = ["UnitOfWork"]
