-- Delivery: where people are, vendors' depots, fleets and hours, shops' receiving hours, product
-- weights, and the planned runs with their stops.
ALTER TABLE retailers ADD COLUMN IF NOT EXISTS lat double precision;
ALTER TABLE retailers ADD COLUMN IF NOT EXISTS lon double precision;
ALTER TABLE retailers ADD COLUMN IF NOT EXISTS receives_from time;      -- NULL: any time of the vendor's day
ALTER TABLE retailers ADD COLUMN IF NOT EXISTS receives_until time;
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS lat double precision;
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS lon double precision;
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS depot_lat double precision;   -- NULL: the vendor's own location
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS depot_lon double precision;
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS works_from time;            -- NULL: delivery.day_starts
ALTER TABLE vendors ADD COLUMN IF NOT EXISTS works_until time;
ALTER TABLE products ADD COLUMN IF NOT EXISTS weight_kg numeric(10, 3);   -- per unit; NULL: from the unit

CREATE TABLE vehicles (
    id           bigserial PRIMARY KEY,
    vendor_id    bigint NOT NULL REFERENCES vendors(user_id) ON DELETE CASCADE,
    name         text NOT NULL,
    capacity_kg  numeric(10, 1) NOT NULL CHECK (capacity_kg > 0),
    max_stops    integer CHECK (max_stops > 0),
    active       boolean NOT NULL DEFAULT true,
    UNIQUE (vendor_id, name)
);

CREATE TABLE delivery_runs (
    id            bigserial PRIMARY KEY,
    vendor_id     bigint NOT NULL REFERENCES vendors(user_id) ON DELETE CASCADE,
    vehicle_id    bigint NOT NULL REFERENCES vehicles(id),
    day           date NOT NULL,
    status        text NOT NULL DEFAULT 'PLANNED' CHECK (status IN ('PLANNED', 'DISPATCHED', 'DONE', 'REPLACED')),
    km            numeric(10, 2) NOT NULL,
    leaves_at     timestamptz NOT NULL,
    returns_at    timestamptz NOT NULL,
    fingerprint   text NOT NULL,           -- what it was planned from: unchanged input, no new plan
    planned_at    timestamptz NOT NULL,
    dispatched_at timestamptz
);
CREATE INDEX delivery_runs_vendor ON delivery_runs (vendor_id, day, status);

CREATE TABLE delivery_stops (
    run_id       bigint NOT NULL REFERENCES delivery_runs(id) ON DELETE CASCADE,
    seq          integer NOT NULL,         -- 1, 2, ... in driving order
    retailer_id  bigint NOT NULL REFERENCES retailers(user_id),
    order_ids    bigint[] NOT NULL,
    eta          timestamptz NOT NULL,
    km_from_prev numeric(10, 2) NOT NULL,
    weight_kg    numeric(10, 1) NOT NULL,
    delivered_at timestamptz,
    PRIMARY KEY (run_id, seq)
);

-- an order that did not fit today's runs: when it is expected instead (told to the retailer once)
CREATE TABLE delivery_carried (
    order_id    bigint PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
    vendor_id   bigint NOT NULL,
    expected    timestamptz NOT NULL,
    carried_at  timestamptz NOT NULL
);

-- when the scheduled planning last ran (one row): routing.every apart, across workers
CREATE TABLE delivery_planning (
    id       integer PRIMARY KEY CHECK (id = 1),
    last_at  timestamptz NOT NULL
);
