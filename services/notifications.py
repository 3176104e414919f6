"""Events → who is told what: the one place that turns what happened into recipients and text keys.

`publish` is the unit of work's hook (see `services.bootstrap`): each recorded event is looked up in
`NOTICES` and its function writes outbox rows through `uow.notifier`, in the same transaction. A new
channel or a new language touches the notifier or `data/messages/`, never the services.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from domain.delivery_runs import maps_link
from domain.formatting import amount, clock_until, qty, zone_named
from domain.healing import Problem
from domain.interactive import Interactive
from domain.orders import Order, OrderLine, OrderStatus
from domain.people import Person
from domain.reasons import Reason
from services.choices import offer_buttons, reminder_buttons
from services.events import (
    CoverRanLow,
    CreditRiskHigh,
    Event,
    HealEscalated,
    HealFailed,
    LoginCodeIssued,
    OfferExpired,
    OrderAccepted,
    OrderCancelled,
    OrderCarried,
    OrderDelivered,
    OrderDispatched,
    OrderEnded,
    OrderEscalated,
    OrderFailed,
    OrderHeld,
    OrderOffered,
    OrderReassigned,
    OrderReleased,
    OrderSplit,
    OrderTaken,
    OrderWithdrawn,
    PartLeftOut,
    PaymentClaimed,
    PaymentConfirmed,
    PaymentDecided,
    PaymentHeld,
    PaymentPartlyConfirmed,
    PaymentRejected,
    PriceOffMarket,
    ReminderDue,
    RunPlanned,
    SafeModeOff,
    SafeModeOn,
    SendingPaused,
    StockRanLow,
    TicketOpened,
    TicketResolved,
    UnknownNumberWrote,
    VendorNudged,
)
from services.payments import method_name
from services.reassignment import Reassigned
from services.stock_cover import cover_text
from storage.uow import UnitOfWork

E = TypeVar("E", bound=Event)
Notice = Callable[[UnitOfWork, E], Awaitable[None]]
NOTICES: dict[type[Event], Notice[Any]] = {}


def notice(kind: type[E]) -> Callable[[Notice[E]], Notice[E]]:
    """Register the function that tells people about events of `kind`."""
    def register(func: Notice[E]) -> Notice[E]:
        if kind in NOTICES:
            raise ValueError(f"{kind.__name__} already has a notice")
        NOTICES[kind] = func
        return func
    return register


async def publish(uow: UnitOfWork, event: Event) -> None:
    notify = NOTICES.get(type(event))
    if notify is not None:  # an event nobody is told about (kept on uow.events for tests and audits)
        await notify(uow, event)


async def render_lines(uow: UnitOfWork, language: str, lines: Sequence[OrderLine], *, prices: bool = True) -> str:
    """Order lines in the reader's language, product names in the reader's script where the catalogue has it."""
    key = "order_line" if prices else "order_line_plain"
    aliases = await uow.products.names_in_script([li.sku for li in lines], language)
    texts = uow.notifier.texts
    return "\n".join(texts.render(key, language, quantity=qty(li.quantity), unit=li.unit, price=amount(li.unit_price),
                                  total=amount(li.line_total),
                                  name=texts.render("product_alias_name", language, alias=aliases[li.sku], name=li.name)
                                  if li.sku in aliases else li.name)
                     for li in lines)


async def tell(uow: UnitOfWork, phone: str, key: str, lines: Sequence[OrderLine] | None = None, *,
               prices: bool = True, choices: Callable[[Callable[[str], str]], Interactive] | None = None,
               **params: Any) -> None:
    """Send `key` to `phone` in its language, with `{lines}` rendered in that language too; to the
    sender of the message being handled this is part of the answer. `choices` makes the buttons or
    list shown under it from a function that renders a text key in the recipient's language."""
    notifier = uow.notifier
    language = await notifier.language_of(phone)
    if lines is not None:
        params["lines"] = await render_lines(uow, language, lines, prices=prices)
    interactive = choices(lambda k: notifier.texts.render(k, language)) if choices else None
    if notifier.is_sender(phone):
        await notifier.reply(key, interactive=interactive, **params)
    else:
        await notifier.notify(phone, key, language=language, interactive=interactive, **params)


# ordering and fulfilment ---------------------------------------------------------------------------


async def _order(uow: UnitOfWork, order_id: int) -> Order:
    order = await uow.orders.get(order_id)
    if order is None:
        raise LookupError(f"no order {order_id}")
    return order


async def _retailer_of(uow: UnitOfWork, order_id: int) -> Person:
    return await uow.users.person((await _order(uow, order_id)).retailer_id)


@notice(OrderOffered)
async def _offered(uow: UnitOfWork, event: OrderOffered) -> None:
    order = await _order(uow, event.order_id)
    retailer, vendor = await uow.users.person(order.retailer_id), await uow.users.person(event.vendor_id)
    await tell(uow, vendor.phone, "vendor_new_order", order.lines, prices=False, order_id=order.id,
               retailer=retailer.name, address=retailer.address or "-", total=amount(order.total),
               choices=lambda title: offer_buttons(order.id, title, several=len(order.lines) > 1))


@notice(OrderHeld)
async def _held(uow: UnitOfWork, event: OrderHeld) -> None:
    order = await _order(uow, event.order_id)
    retailer = await uow.users.person(order.retailer_id)
    await uow.notifier.notify_admins("admin_order_held", order_id=order.id, retailer=retailer.name,
                                     total=amount(order.total))


async def _tell_vendors_ended(uow: UnitOfWork, vendor_ids: Sequence[int], order_id: int, status: OrderStatus | str,
                              reason: Reason | str) -> None:
    for vendor_id in vendor_ids:
        vendor = await uow.users.person(vendor_id)
        await tell(uow, vendor.phone, "vendor_order_ended", order_id=order_id, status=status, reason=reason)


@notice(OrderEnded)
async def _ended(uow: UnitOfWork, event: OrderEnded) -> None:
    await _tell_vendors_ended(uow, event.vendor_ids, event.order_id, event.status, event.reason)


@notice(OrderWithdrawn)
async def _withdrawn(uow: UnitOfWork, event: OrderWithdrawn) -> None:
    await _tell_vendors_ended(uow, event.vendor_ids, event.order_id, "reassigned", event.reason)


@notice(OrderCancelled)
async def _cancelled(uow: UnitOfWork, event: OrderCancelled) -> None:
    """The retailer, unless it cancelled; the ops desk when the platform cancelled the order or the desk
    had been asked to assign it (a closing notice: nothing left to do)."""
    retailer = await _retailer_of(uow, event.order_id)
    if not event.actor.startswith("retailer:"):
        await tell(uow, retailer.phone, "order_cancelled_for_you", order_id=event.order_id, reason=event.reason)
    if not event.actor.startswith("admin:") and (event.actor == "system" or event.desk_asked):
        await uow.notifier.notify_admins("admin_order_closed", order_id=event.order_id, retailer=retailer.name,
                                         status=OrderStatus.CANCELLED, reason=event.reason)


@notice(StockRanLow)
async def _low_stock(uow: UnitOfWork, event: StockRanLow) -> None:
    vendor = await uow.users.person(event.vendor_id)
    await tell(uow, vendor.phone, "vendor_low_stock", name=event.name, stock=qty(event.stock), unit=event.unit)


@notice(CoverRanLow)
async def _cover_low(uow: UnitOfWork, event: CoverRanLow) -> None:
    vendor = await uow.users.person(event.vendor_id)
    language = await uow.notifier.language_of(vendor.phone)
    await uow.notifier.notify(vendor.phone, "vendor_cover_low", language,
                              lines=cover_text(uow.notifier.texts, language, event.lines), target=event.target_days)


@notice(OrderTaken)
async def _taken(uow: UnitOfWork, event: OrderTaken) -> None:
    await tell(uow, (await uow.users.person(event.vendor_id)).phone, "vendor_order_taken", order_id=event.order_id)


@notice(OrderAccepted)
async def _accepted(uow: UnitOfWork, event: OrderAccepted) -> None:
    order = await _order(uow, event.order_id)
    vendor, retailer = await uow.users.person(event.vendor_id), await uow.users.person(order.retailer_id)
    await tell(uow, retailer.phone, "order_accepted", order.lines, order_id=order.id, vendor=vendor.name,
               total=amount(order.total))


_REST_KEYS = {Reassigned.FAILED: "order_partly_accepted_rest_dropped",
              Reassigned.ESCALATED: "order_partly_accepted_rest_with_team"}


@notice(PartLeftOut)
async def _part_left_out(uow: UnitOfWork, event: PartLeftOut) -> None:
    """The retailer hears once what became of the rest, the vendor when it went nowhere."""
    vendor = await uow.users.person(event.vendor_id)
    retailer = await _retailer_of(uow, event.order_id)
    await tell(uow, retailer.phone, _REST_KEYS.get(Reassigned(event.rest), "order_partly_accepted"), event.lines,
               prices=False, order_id=event.order_id, child_id=event.child_id, vendor=vendor.name)
    if event.rest == Reassigned.FAILED:
        await tell(uow, vendor.phone, "vendor_accepted_rest_dropped", order_id=event.order_id)


@notice(OrderDispatched)
async def _dispatched(uow: UnitOfWork, event: OrderDispatched) -> None:
    if event.eta is None:
        await _moved_on(uow, "order_dispatched", event.order_id, event.vendor_id)
    else:
        await _moved_on(uow, "order_dispatched_eta", event.order_id, event.vendor_id, eta=f"{event.eta:%H:%M}")


@notice(OrderDelivered)
async def _delivered(uow: UnitOfWork, event: OrderDelivered) -> None:
    await _moved_on(uow, "order_delivered", event.order_id, event.vendor_id)


async def _moved_on(uow: UnitOfWork, key: str, order_id: int, vendor_id: int, **params: Any) -> None:
    order = await _order(uow, order_id)
    vendor, retailer = await uow.users.person(vendor_id), await uow.users.person(order.retailer_id)
    await tell(uow, retailer.phone, key, order_id=order.id, vendor=vendor.name, total=amount(order.total), **params)


# delivery runs ---------------------------------------------------------------------------------------


@notice(RunPlanned)
async def _run_planned(uow: UnitOfWork, event: RunPlanned) -> None:
    run = await uow.delivery.run(event.run_id)
    if run is None:
        raise LookupError(f"no run {event.run_id}")
    vendor = await uow.users.person(run.vendor_id)
    language = await uow.notifier.language_of(vendor.phone)
    texts, zone = uow.notifier.texts, zone_named(event.zone)
    stops = "\n".join(texts.render("run_stop", language, seq=s.seq, shop=s.shop, address=s.address or "-",
                                   eta=f"{s.eta.astimezone(zone):%H:%M}", items=s.items, collect=amount(s.to_collect),
                                   orders=", ".join(f"#{o}" for o in s.order_ids), link=maps_link(s.lat, s.lon))
                      for s in run.stops)
    await tell(uow, vendor.phone, "run_planned", run_id=run.id, vehicle=run.vehicle, day=run.day,
               leaves=f"{run.leaves_at.astimezone(zone):%H:%M}", km=f"{run.km:.1f}", count=len(run.stops), stops=stops)


@notice(OrderCarried)
async def _carried(uow: UnitOfWork, event: OrderCarried) -> None:
    await _moved_on(uow, "order_carried", event.order_id, event.vendor_id,
                    expected=f"{event.expected:%d %b %H:%M}")


@notice(OrderReassigned)
async def _reassigned(uow: UnitOfWork, event: OrderReassigned) -> None:
    if event.tell_retailer:
        await tell(uow, (await _retailer_of(uow, event.order_id)).phone, "order_reassigned", order_id=event.order_id)


@notice(OrderSplit)
async def _split(uow: UnitOfWork, event: OrderSplit) -> None:
    if event.tell_retailer:
        await tell(uow, (await _retailer_of(uow, event.order_id)).phone, "order_split", order_id=event.order_id,
                   parts=", ".join(f"#{i}" for i in event.part_ids))


@notice(OrderEscalated)
async def _escalated(uow: UnitOfWork, event: OrderEscalated) -> None:
    retailer = await _retailer_of(uow, event.order_id)
    await uow.notifier.notify_admins("admin_order_escalated", order_id=event.order_id, retailer=retailer.name,
                                     attempts=event.attempts)
    if event.tell_retailer:
        await tell(uow, retailer.phone, "order_still_looking", order_id=event.order_id)


@notice(OrderFailed)
async def _failed(uow: UnitOfWork, event: OrderFailed) -> None:
    retailer = await _retailer_of(uow, event.order_id)
    if event.tell_retailer:
        await tell(uow, retailer.phone, "order_failed", order_id=event.order_id, reason=event.reason)
    await uow.notifier.notify_admins("admin_order_failed", order_id=event.order_id, retailer=retailer.name,
                                     reason=event.reason)


@notice(OfferExpired)
async def _offer_expired(uow: UnitOfWork, event: OfferExpired) -> None:
    await tell(uow, (await uow.users.person(event.vendor_id)).phone,
               "vendor_offer_expired" if event.reassigned else "vendor_offer_closed", order_id=event.order_id)


@notice(TicketOpened)
async def _ticket_opened(uow: UnitOfWork, event: TicketOpened) -> None:
    """The retailer (who is usually the sender: then this is the answer) hears the ticket's number, the
    ops desk what the complaint says."""
    retailer, about = await uow.users.person(event.retailer_id), f"#{event.order_id}" if event.order_id else "-"
    language = await uow.notifier.language_of(retailer.phone)
    await tell(uow, retailer.phone, "complaint_opened", ticket_id=event.ticket_id, order=about,
               category=uow.notifier.texts.render(f"complaint_category_{event.category}", language))
    await uow.notifier.notify_admins("admin_ticket_opened", ticket_id=event.ticket_id, retailer=retailer.name,
                                     phone=retailer.phone, order=about, category=event.category,
                                     text=event.body[:300])


@notice(UnknownNumberWrote)
async def _unknown_number(uow: UnitOfWork, event: UnknownNumberWrote) -> None:
    await uow.notifier.notify_admins("admin_unknown_number", phone=event.phone,
                                     profile=event.profile_name or "no name", text=event.text[:200])


# payments, credit, healing, safe mode, reminders -----------------------------------------------------

VENDORS_TOLD = 3  # vendors asked to confirm a new claim: the ones owed most
NUDGE_KEYS = {Problem.NOT_DISPATCHED: "vendor_dispatch_nudge", Problem.NOT_DELIVERED: "vendor_delivery_nudge"}
PAUSE_REASON_SHOWN = 200  # characters of the provider's refusal the admins read


@notice(PaymentClaimed)
async def tell_payment_claimed(uow: UnitOfWork, event: PaymentClaimed) -> None:
    """The ops chat, and the vendors the retailer owes most, hear how to confirm the claim."""
    retailer = await uow.users.person(event.retailer_id)
    params: dict[str, Any] = {"claim_id": event.claim_id, "retailer": retailer.name, "amount": amount(event.amount),
              "method": event.method}
    await uow.notifier.notify_admins("admin_payment_claim", skip=retailer.phone, **params)
    for vendor_id in list(await uow.payments.owed_to_vendors(event.retailer_id))[:VENDORS_TOLD]:
        await uow.notifier.notify((await uow.users.person(vendor_id)).phone, "vendor_payment_claim", **params)


@notice(PaymentConfirmed)
async def tell_payment_confirmed(uow: UnitOfWork, event: PaymentConfirmed) -> None:
    phone = (await uow.users.person(event.retailer_id)).phone
    language = await uow.notifier.language_of(phone)
    await uow.notifier.notify(phone, "payment_confirmed", language, claim_id=event.claim_id,
                              amount=amount(event.amount), method=method_name(uow.notifier, event.method, language),
                              outstanding=amount(event.outstanding), available=amount(event.available))


@notice(PaymentRejected)
async def tell_payment_rejected(uow: UnitOfWork, event: PaymentRejected) -> None:
    phone = (await uow.users.person(event.retailer_id)).phone
    await uow.notifier.notify(phone, "payment_rejected", claim_id=event.claim_id, amount=amount(event.amount),
                              reason=event.reason)


@notice(PaymentPartlyConfirmed)
async def tell_payment_partly_confirmed(uow: UnitOfWork, event: PaymentPartlyConfirmed) -> None:
    retailer, vendor = await uow.users.person(event.retailer_id), await uow.users.person(event.vendor_id)
    await uow.notifier.notify(retailer.phone, "payment_partly_confirmed", claim_id=event.claim_id,
                              amount=amount(event.amount), held=amount(event.held), vendor=vendor.name,
                              outstanding=amount(event.outstanding), available=amount(event.available))


@notice(PaymentHeld)
async def tell_payment_held(uow: UnitOfWork, event: PaymentHeld) -> None:
    retailer, vendor = await uow.users.person(event.retailer_id), await uow.users.person(event.vendor_id)
    await uow.notifier.notify_admins("admin_payment_held", claim_id=event.claim_id, retailer=retailer.name,
                                     vendor=vendor.name, amount=amount(event.amount), held=amount(event.held),
                                     claimed=amount(event.claimed))


@notice(PaymentDecided)
async def tell_payment_decided(uow: UnitOfWork, event: PaymentDecided) -> None:
    vendor = await uow.users.person(event.vendor_id)
    await uow.notifier.notify_admins("admin_payment_decided", claim_id=event.claim_id, by=vendor.name,
                                     decision=event.decision.lower())


@notice(CreditRiskHigh)
async def tell_credit_risk_high(uow: UnitOfWork, event: CreditRiskHigh) -> None:
    retailer = await uow.users.person(event.retailer_id)
    await uow.notifier.notify_admins("admin_credit_high_risk", retailer=retailer.name, phone=retailer.phone,
                                     score=event.score)


@notice(HealEscalated)
async def tell_heal_escalated(uow: UnitOfWork, event: HealEscalated) -> None:
    await uow.notifier.notify_admins("admin_heal_escalated", subject=event.subject, problem=event.problem.value,
                                     detail=f"stuck since {event.since:%Y-%m-%d %H:%M} UTC")


@notice(HealFailed)
async def tell_heal_failed(uow: UnitOfWork, event: HealFailed) -> None:
    await uow.notifier.notify_admins("admin_heal_failed", subject=event.subject, problem=event.problem.value,
                                     strategy=event.strategy.value, detail=event.detail)


@notice(VendorNudged)
async def tell_vendor_nudged(uow: UnitOfWork, event: VendorNudged) -> None:
    vendor = await uow.users.person(event.vendor_id)
    await tell(uow, vendor.phone, NUDGE_KEYS[event.problem], order_id=event.order_id)


@notice(SafeModeOn)
async def tell_safe_mode_on(uow: UnitOfWork, event: SafeModeOn) -> None:
    await uow.notifier.notify_admins("admin_safe_mode_on", until=clock_until(event.until), reason=event.reason)


@notice(SafeModeOff)
async def tell_safe_mode_off(uow: UnitOfWork, event: SafeModeOff) -> None:
    await uow.notifier.notify_admins("admin_safe_mode_off", released=len(event.released))


@notice(OrderReleased)
async def tell_order_released(uow: UnitOfWork, event: OrderReleased) -> None:
    retailer = await uow.users.person(event.retailer_id)
    await tell(uow, retailer.phone, "safe_mode_released", order_id=event.order_id)


@notice(ReminderDue)
async def tell_reminder_due(uow: UnitOfWork, event: ReminderDue) -> None:
    """The predicted basket, with Yes / Change / No; outside WhatsApp's 24-hour window the outbox sends it
    as its template (config `templates`)."""
    retailer = await uow.users.person(event.retailer_id)
    found = await uow.products.by_skus([sku for sku, _ in event.basket])
    basket = [OrderLine(sku, found[sku].name, quantity, found[sku].unit, Decimal(0), Decimal(0))
              for sku, quantity in event.basket if sku in found]
    await tell(uow, retailer.phone, "reorder_reminder", basket, prices=False, choices=reminder_buttons,
               name=retailer.name, every=event.every_days)


@notice(SendingPaused)
async def tell_sending_paused(uow: UnitOfWork, event: SendingPaused) -> None:
    await uow.notifier.notify_admins("admin_sending_paused", reason=event.reason[:PAUSE_REASON_SHOWN])


@notice(TicketResolved)
async def tell_ticket_resolved(uow: UnitOfWork, event: TicketResolved) -> None:
    retailer = await uow.users.person(event.retailer_id)
    await uow.notifier.notify(retailer.phone, "complaint_resolved", ticket_id=event.ticket_id,
                              order=f"#{event.order_id}" if event.order_id else "-", note=event.note)


# operators and the desk ----------------------------------------------------------------------------


@notice(LoginCodeIssued)
async def _login_code(uow: UnitOfWork, event: LoginCodeIssued) -> None:
    await tell(uow, event.phone, "web_login_code", code=event.code, minutes=event.minutes)


# vendor prices -------------------------------------------------------------------------------------


@notice(PriceOffMarket)
async def tell_price_off_market(uow: UnitOfWork, event: PriceOffMarket) -> None:
    vendor = await uow.users.person(event.vendor_id)
    product = (await uow.products.by_skus([event.sku]))[event.sku]
    move = (event.price / event.median - 1) * 100 if event.median else 0
    await uow.notifier.notify_admins("admin_price_alert", vendor=vendor.name, name=product.name, sku=event.sku,
                                     unit=product.unit, price=amount(event.price), median=amount(event.median),
                                     move=f"{move:+.0f}")
