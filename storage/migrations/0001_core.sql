-- Core schema: people, catalogue, orders, money, messages, conversation state, audit.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    phone       text NOT NULL UNIQUE,
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('retailer', 'vendor', 'admin')),
    language    text,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE retailers (
    user_id       bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    address       text,
    lat           double precision,
    lon           double precision,
    credit_limit  numeric(14, 2) NOT NULL,
    credit_score  numeric(5, 2),
    risk          text NOT NULL DEFAULT 'LOW'
);

CREATE TABLE vendors (
    user_id     bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    lat         double precision,
    lon         double precision,
    capacity    integer NOT NULL DEFAULT 20,
    score       numeric(5, 2) NOT NULL DEFAULT 60,
    tier        text NOT NULL DEFAULT 'AVERAGE',
    grade       text NOT NULL DEFAULT 'C',
    penalties   integer NOT NULL DEFAULT 0
);

CREATE TABLE products (
    sku         text PRIMARY KEY,
    name        text NOT NULL,
    brand       text NOT NULL DEFAULT '',
    category    text NOT NULL DEFAULT '',
    unit        text NOT NULL,
    price       numeric(12, 2) NOT NULL CHECK (price >= 0),
    active      boolean NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category ON products (category);

CREATE TABLE product_aliases (
    sku    text NOT NULL REFERENCES products(sku) ON DELETE CASCADE,
    alias  text NOT NULL,
    PRIMARY KEY (sku, alias)
);

CREATE TABLE vendor_products (
    vendor_id            bigint NOT NULL REFERENCES vendors(user_id) ON DELETE CASCADE,
    sku                  text NOT NULL REFERENCES products(sku) ON DELETE CASCADE,
    stock                numeric(14, 3),          -- NULL: listed, not tracked, counts as available
    price                numeric(12, 2),          -- NULL: the catalogue price
    low_stock_threshold  numeric(14, 3) NOT NULL DEFAULT 10,
    PRIMARY KEY (vendor_id, sku)
);
CREATE INDEX vendor_products_sku ON vendor_products (sku);

CREATE SEQUENCE order_numbers START 1001;
CREATE TABLE orders (
    id            bigint PRIMARY KEY DEFAULT nextval('order_numbers'),
    retailer_id   bigint NOT NULL REFERENCES retailers(user_id),
    vendor_id     bigint REFERENCES vendors(user_id),
    parent_id     bigint REFERENCES orders(id),
    status        text NOT NULL,
    total         numeric(14, 2) NOT NULL DEFAULT 0,
    failure_reason text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    confirmed_at  timestamptz,
    accepted_at   timestamptz,
    dispatched_at timestamptz,
    delivered_at  timestamptz
);
ALTER SEQUENCE order_numbers OWNED BY orders.id;
CREATE INDEX orders_retailer ON orders (retailer_id, created_at DESC);
CREATE INDEX orders_status ON orders (status, updated_at);
CREATE INDEX orders_vendor ON orders (vendor_id, status);
CREATE INDEX orders_created ON orders (created_at);

CREATE TABLE order_items (
    id          bigserial PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    sku         text NOT NULL REFERENCES products(sku),
    name        text NOT NULL,
    quantity    numeric(14, 3) NOT NULL CHECK (quantity > 0),
    unit        text NOT NULL,
    unit_price  numeric(12, 2) NOT NULL,
    line_total  numeric(14, 2) NOT NULL
);
CREATE INDEX order_items_order ON order_items (order_id);
CREATE INDEX order_items_sku ON order_items (sku);

CREATE TABLE order_status_history (
    id           bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    from_status  text,
    to_status    text NOT NULL,
    actor        text NOT NULL,
    reason       text,
    at           timestamptz NOT NULL
);
CREATE INDEX order_status_history_order ON order_status_history (order_id, id);

CREATE TABLE order_offers (
    order_id      bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    vendor_id     bigint NOT NULL REFERENCES vendors(user_id),
    status        text NOT NULL,
    offered_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    responded_at  timestamptz,
    reason        text,
    PRIMARY KEY (order_id, vendor_id)
);
CREATE INDEX order_offers_open ON order_offers (status, expires_at);
CREATE INDEX order_offers_vendor ON order_offers (vendor_id, status);

CREATE TABLE payments (
    id            bigserial PRIMARY KEY,
    retailer_id   bigint NOT NULL REFERENCES retailers(user_id),
    amount        numeric(14, 2) NOT NULL CHECK (amount > 0),
    method        text NOT NULL,
    reference     text,
    status        text NOT NULL DEFAULT 'PENDING',
    claimed_at    timestamptz NOT NULL,
    decided_by    text,
    decided_at    timestamptz
);

-- Append-only: amount > 0 raises what the retailer owes, amount < 0 lowers it.
CREATE TABLE credit_ledger (
    id             bigserial PRIMARY KEY,
    retailer_id    bigint NOT NULL REFERENCES retailers(user_id),
    kind           text NOT NULL,
    amount         numeric(14, 2) NOT NULL,
    balance_after  numeric(14, 2) NOT NULL,
    order_id       bigint REFERENCES orders(id),
    payment_id     bigint REFERENCES payments(id),
    note           text,
    created_at     timestamptz NOT NULL
);
CREATE INDEX credit_ledger_retailer ON credit_ledger (retailer_id, id DESC);

CREATE TABLE tickets (
    id           bigserial PRIMARY KEY,
    retailer_id  bigint NOT NULL REFERENCES retailers(user_id),
    order_id     bigint REFERENCES orders(id),
    category     text NOT NULL,
    body         text NOT NULL,
    status       text NOT NULL DEFAULT 'OPEN',
    resolution   text,
    created_at   timestamptz NOT NULL,
    resolved_at  timestamptz
);

CREATE TABLE inbound_messages (
    id            bigserial PRIMARY KEY,
    provider      text NOT NULL,
    provider_id   text NOT NULL,
    phone         text NOT NULL,
    body          text NOT NULL DEFAULT '',
    media         jsonb NOT NULL DEFAULT '[]',
    profile_name  text,
    payload       jsonb NOT NULL DEFAULT '{}',
    status        text NOT NULL DEFAULT 'received',
    error         text,
    received_at   timestamptz NOT NULL,
    handled_at    timestamptz,
    UNIQUE (provider, provider_id)
);
CREATE INDEX inbound_pending ON inbound_messages (phone, id) WHERE status = 'received';

CREATE TABLE outbound_messages (
    id               bigserial PRIMARY KEY,
    recipient        text NOT NULL,
    channel          text NOT NULL DEFAULT 'whatsapp',
    body             text NOT NULL DEFAULT '',
    media_url        text,
    template         jsonb,
    kind             text NOT NULL DEFAULT 'reply',
    inbound_id       bigint REFERENCES inbound_messages(id),
    status           text NOT NULL DEFAULT 'queued',
    tries            integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    claimed_at       timestamptz,
    provider_sid     text UNIQUE,
    provider_status  text,
    last_error       text,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz
);
CREATE INDEX outbound_ready ON outbound_messages (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outbound_recipient_open ON outbound_messages (recipient, id) WHERE status IN ('queued', 'sending');

CREATE TABLE conversations (
    phone       text PRIMARY KEY,
    state       text NOT NULL DEFAULT 'idle',
    data        jsonb NOT NULL DEFAULT '{}',
    language    text,
    last_inbound_at timestamptz,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    actor    text NOT NULL,
    action   text NOT NULL,
    subject  text,
    before   jsonb,
    after    jsonb,
    at       timestamptz NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE flags (
    name        text PRIMARY KEY,
    value       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL
);
