-- Low-stock alerts by days of cover (services/stock_cover.py, jobs/stock_cover.py).
-- reorder_pack: the quantity the vendor restocks a SKU in (a 50 kg sack of loose sugar, a carton);
--   reorder advice is rounded up to whole packs of it. 1 by default (whole units, or 1 kg/l loose).
-- cover_alerted_at: when the vendor was last told the SKU's cover fell under the threshold; NULL once
--   cover is back at or above it (armed again).
ALTER TABLE vendor_products ADD COLUMN reorder_pack numeric(14, 3) NOT NULL DEFAULT 1 CHECK (reorder_pack > 0);
ALTER TABLE vendor_products ADD COLUMN cover_alerted_at timestamptz;
