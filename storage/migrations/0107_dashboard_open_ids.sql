-- The daily roll-up (storage.rollup) leaves out the orders of a day that had not ended when it was written
-- and keeps their ids, so the dashboard reads a day with orders still open from the roll-up too and only
-- those orders from the order tables. A day written before this (open_ids NULL) is read from the order
-- tables until it is rolled up again; the count of open orders it replaces was 0 in every other row.
ALTER TABLE analytics_daily ADD COLUMN IF NOT EXISTS open_ids bigint[];
ALTER TABLE analytics_daily DROP COLUMN IF EXISTS open;
