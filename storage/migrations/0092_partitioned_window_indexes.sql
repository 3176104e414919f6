-- The indexes the 24-hour window and the /order receipts read (0070), on the partitioned tables
-- (0090 made them anew and lists only its own).
CREATE INDEX IF NOT EXISTS outbound_held ON outbound_messages (recipient, id) WHERE status = 'held';
CREATE INDEX IF NOT EXISTS outbound_order ON outbound_messages (order_id, id) WHERE order_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS inbound_window ON inbound_messages (phone, provider, received_at DESC);
