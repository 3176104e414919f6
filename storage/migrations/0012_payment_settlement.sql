-- A payment a vendor confirmed settles that vendor's delivered orders, up to what it is owed;
-- the rest of the claim is HELD for an admin.
ALTER TABLE payments ADD COLUMN vendor_id bigint REFERENCES vendors(user_id);
ALTER TABLE payments ADD COLUMN vendor_amount numeric(14, 2);
DROP INDEX IF EXISTS payments_pending;
CREATE INDEX payments_open ON payments (id) WHERE status IN ('PENDING', 'HELD');
CREATE INDEX payments_vendor ON payments (retailer_id, vendor_id) WHERE vendor_id IS NOT NULL;
