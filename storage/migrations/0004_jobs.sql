-- Background jobs: self-healing attempts, reorder reminders, daily analytics, scoring timestamps.

-- One row per strategy tried on a stuck order or a failed message, with its outcome.
CREATE TABLE healing_attempts (
    id          bigserial PRIMARY KEY,
    order_id    bigint REFERENCES orders(id) ON DELETE CASCADE,
    outbox_id   bigint REFERENCES outbound_messages(id) ON DELETE CASCADE,
    payment_id  bigint REFERENCES payments(id) ON DELETE CASCADE,
    problem     text NOT NULL,
    strategy    text NOT NULL CHECK (strategy IN ('REASSIGN', 'RETRY', 'CANCEL', 'ESCALATE')),
    outcome     text NOT NULL CHECK (outcome IN ('PENDING', 'RECOVERED', 'FAILED', 'ESCALATED')),
    detail      text,
    actor       text NOT NULL DEFAULT 'system',
    at          timestamptz NOT NULL
);
CREATE INDEX healing_attempts_order ON healing_attempts (order_id, problem, at DESC) WHERE order_id IS NOT NULL;
CREATE INDEX healing_attempts_outbox ON healing_attempts (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX healing_attempts_payment ON healing_attempts (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX healing_attempts_at ON healing_attempts (at);

-- The last reorder reminder per retailer: at most one per predicted order.
CREATE TABLE reorder_reminders (
    retailer_id  bigint PRIMARY KEY REFERENCES retailers(user_id) ON DELETE CASCADE,
    order_id     bigint REFERENCES orders(id) ON DELETE SET NULL,  -- the order it offered to repeat
    sent_at      timestamptz NOT NULL,
    templated    boolean NOT NULL
);

-- Daily roll-up for the dashboard, one row per local day, rewritten whole on each run.
CREATE TABLE analytics_daily (
    day        date PRIMARY KEY,
    orders     integer NOT NULL,
    gmv        numeric(16, 2) NOT NULL,
    delivered  integer NOT NULL,
    failed     integer NOT NULL,
    cancelled  integer NOT NULL,
    retailers  integer NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE TABLE analytics_daily_products (
    day       date NOT NULL REFERENCES analytics_daily(day) ON DELETE CASCADE,
    sku       text NOT NULL,
    quantity  numeric(16, 3) NOT NULL,
    gmv       numeric(16, 2) NOT NULL,
    PRIMARY KEY (day, sku)
);

ALTER TABLE vendors ADD COLUMN scored_at timestamptz;
ALTER TABLE retailers ADD COLUMN credit_scored_at timestamptz;
ALTER TABLE retailers ADD COLUMN limit_reviewed_at timestamptz;  -- last automatic limit change
CREATE INDEX order_offers_vendor_all ON order_offers (vendor_id);
CREATE INDEX orders_confirmed ON orders (confirmed_at) WHERE confirmed_at IS NOT NULL;
CREATE INDEX inbound_received_at ON inbound_messages (received_at);
