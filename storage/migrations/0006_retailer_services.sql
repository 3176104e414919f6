-- Retailer services: payment claims decided by admins or vendors, complaint tickets.
ALTER TABLE payments ADD COLUMN reason text;                 -- why a claim was rejected
ALTER TABLE payments ADD COLUMN confirmed_amount numeric(14, 2);
CREATE INDEX payments_retailer ON payments (retailer_id, id DESC);
CREATE INDEX payments_pending ON payments (id) WHERE status = 'PENDING';

ALTER TABLE tickets ADD COLUMN resolved_by text;
CREATE INDEX tickets_open ON tickets (id) WHERE status = 'OPEN';
CREATE INDEX tickets_retailer ON tickets (retailer_id, id DESC);
