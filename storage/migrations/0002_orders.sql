-- Orders at work: one debit per order, offers looked up by vendor, low-stock alerts sent once.
CREATE UNIQUE INDEX credit_ledger_one_debit ON credit_ledger (order_id) WHERE kind = 'ORDER_DEBIT';
CREATE INDEX orders_parent ON orders (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX orders_retailer_status ON orders (retailer_id, status);
ALTER TABLE vendor_products ADD COLUMN low_stock_alerted boolean NOT NULL DEFAULT false;
