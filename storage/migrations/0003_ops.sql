-- Operators: API keys (stored as sha256 only), exports with signed download links, and the indexes
-- the dashboard reads through (period scans stay index-only at a million orders).

CREATE TABLE api_keys (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL,
    key_hash      text NOT NULL UNIQUE,          -- hex sha256 of the key; the key itself is never kept
    prefix        text NOT NULL,                 -- first characters, to tell keys apart in a listing
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);

CREATE TABLE exports (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    format        text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    period_from   date NOT NULL,
    period_to     date NOT NULL,
    file_name     text NOT NULL UNIQUE,          -- under var/exports/
    rows          integer NOT NULL,
    bytes         bigint NOT NULL,
    requested_by  text NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX exports_created ON exports (created_at DESC);

-- Placed orders by creation time, carrying every column the dashboard aggregates.
CREATE INDEX orders_placed_dashboard ON orders (created_at)
    INCLUDE (id, status, total, vendor_id, confirmed_at, accepted_at, delivered_at, failure_reason)
    WHERE confirmed_at IS NOT NULL;
-- Order lines of a range of order ids (ids grow with time, so a period's orders are one id range),
-- read without touching the heap.
CREATE INDEX order_items_order_sales ON order_items (order_id) INCLUDE (sku, quantity, line_total);
-- Offers by the time they were made, for vendor response times.
CREATE INDEX order_offers_offered ON order_offers (offered_at) INCLUDE (vendor_id, status, responded_at);
