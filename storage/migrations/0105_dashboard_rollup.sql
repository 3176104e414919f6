-- The rest of the dashboard from the daily roll-up (storage.rollup): a day written before these
-- columns existed has open NULL and is read from the order tables until it is rolled up again.
ALTER TABLE analytics_daily ADD COLUMN IF NOT EXISTS open integer;
ALTER TABLE analytics_daily ADD COLUMN IF NOT EXISTS fulfilment float8[];  -- confirmed → delivered, s

CREATE TABLE IF NOT EXISTS analytics_daily_failures (
    day     date NOT NULL REFERENCES analytics_daily(day) ON DELETE CASCADE,
    status  text NOT NULL,
    cause   text NOT NULL,
    orders  integer NOT NULL,
    value   numeric(16, 2),
    PRIMARY KEY (day, status, cause)
);

-- Per vendor: outcomes of the orders created that day, answers to the offers made that day.
CREATE TABLE IF NOT EXISTS analytics_daily_vendors (
    day         date NOT NULL REFERENCES analytics_daily(day) ON DELETE CASCADE,
    vendor_id   bigint NOT NULL,
    delivered   integer NOT NULL,
    failed      integer NOT NULL,
    offers      integer NOT NULL,
    backed_out  integer NOT NULL,
    expired     integer NOT NULL,
    answered    integer NOT NULL,
    responses   float8[] NOT NULL,  -- offered → responded of the answered offers, s
    PRIMARY KEY (day, vendor_id)
);
