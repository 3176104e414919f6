"""Pure business rules: dataclasses and functions, standard library only, no I/O, no clock reads.

catalog           Product and selling units
money             NPR rounding helpers (Decimal, 2 places, half up)
orders            order state machine, transitions, what a status holds/releases
offers            per-vendor offers, first accept wins
pricing           cost-plus pricing, volume tiers, margin protection
credit            append-only credit ledger, credit checks, payment claims
vendor_selection  vendor ranking, load balancing, single/split allocation
geo               haversine distance
scoring           vendor score and retailer credit score, limit suggestions
reorder           reorder cadence/prediction, quiet hours, WhatsApp session window
metrics           percentiles, rates, trends, letter grades
"""
