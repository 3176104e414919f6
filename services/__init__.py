"""Transactional use-cases shared by handlers and jobs: each takes the connection of the caller's
transaction, the time from the injected clock, the config and a Notifier to tell people.

    drafts      open_draft, edit_draft, reprice, discard_draft, price_lines
    orders      confirm_order, cancel_order
    routing     reassign_order, expire_offers, fail_order
    fulfilment  accept_order, reject_order, advance_order
    lifecycle   offer_to, split_off, end_order (shared steps)
"""
