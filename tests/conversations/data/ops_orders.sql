-- Orders around the fixtures' clock (2026-11-02 04:15 UTC, 10:00 in Kathmandu; "today" began 2026-11-01 18:15 UTC).
-- Ram Kirana +9779800000001, Sita Stores +9779800000002; vendors Lumbini +9779800000101, Everest +9779800000102.
INSERT INTO orders (id, retailer_id, vendor_id, status, total, failure_reason, created_at, updated_at,
                    confirmed_at, accepted_at, dispatched_at, delivered_at)
SELECT o.id, r.id, v.id, o.status, o.total, o.reason, o.created::timestamptz, o.created::timestamptz,
       CASE WHEN o.status <> 'DRAFT' THEN o.created::timestamptz END, o.accepted::timestamptz,
       o.dispatched::timestamptz, o.delivered::timestamptz
FROM (VALUES
    (1001, '+9779800000001', '+9779800000101', 'DELIVERED', 840.00, NULL, '2026-11-01 10:00Z', '2026-11-01 10:05Z',
     '2026-11-01 11:00Z', '2026-11-01 13:00Z'),
    (1002, '+9779800000001', '+9779800000101', 'DELIVERED', 1050.00, NULL, '2026-11-01 19:00Z', '2026-11-01 19:05Z',
     '2026-11-01 20:00Z', '2026-11-01 21:00Z'),
    (1003, '+9779800000002', '+9779800000101', 'DELIVERED', 575.00, NULL, '2026-11-01 20:00Z', '2026-11-01 20:02Z',
     '2026-11-01 22:00Z', '2026-11-02 00:00Z'),
    (1004, '+9779800000001', '+9779800000102', 'FAILED', 320.00, 'no vendor can supply this order',
     '2026-11-01 21:00Z', NULL, NULL, NULL),
    (1005, '+9779800000002', NULL, 'CANCELLED', 190.00, 'customer changed mind', '2026-11-01 22:00Z', NULL, NULL, NULL),
    (1006, '+9779800000001', '+9779800000102', 'PENDING_VENDOR', 900.00, NULL, '2026-11-02 03:00Z', NULL, NULL, NULL),
    (1007, '+9779800000001', NULL, 'DRAFT', 105.00, NULL, '2026-11-02 04:00Z', NULL, NULL, NULL)
) AS o(id, retailer, vendor, status, total, reason, created, accepted, dispatched, delivered)
JOIN users r ON r.phone = o.retailer LEFT JOIN users v ON v.phone = o.vendor;
SELECT setval('order_numbers', 1100);

INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)
SELECT i.order_id, i.sku, p.name, i.quantity, p.unit, i.total / i.quantity, i.total
FROM (VALUES (1001, 'SUGAR-LOOSE', 8, 840.00), (1002, 'SUGAR-LOOSE', 10, 1050.00),
             (1003, 'RICE-JEERA-LOOSE', 5, 575.00), (1004, 'JAGGERY-LOOSE', 2, 320.00),
             (1005, 'SUGAR-BROWN-1KG', 1, 190.00), (1006, 'RICE-SONA-LOOSE', 10, 900.00),
             (1007, 'SUGAR-LOOSE', 1, 105.00)) AS i(order_id, sku, quantity, total)
JOIN products p ON p.sku = i.sku;

INSERT INTO order_offers (order_id, vendor_id, status, offered_at, expires_at, responded_at, reason)
SELECT f.order_id, v.id, f.status, f.offered::timestamptz, f.offered::timestamptz + interval '15 minutes',
       f.responded::timestamptz, f.reason
FROM (VALUES (1001, '+9779800000101', 'ACCEPTED', '2026-11-01 10:00Z', '2026-11-01 10:05Z', NULL),
             (1002, '+9779800000101', 'ACCEPTED', '2026-11-01 19:00Z', '2026-11-01 19:05Z', NULL),
             (1003, '+9779800000101', 'ACCEPTED', '2026-11-01 20:00Z', '2026-11-01 20:02Z', NULL),
             (1004, '+9779800000102', 'REJECTED', '2026-11-01 21:00Z', '2026-11-01 21:20Z', 'out of stock'),
             (1006, '+9779800000102', 'OFFERED', '2026-11-02 04:10Z', NULL, NULL))
     AS f(order_id, vendor, status, offered, responded, reason)
JOIN users v ON v.phone = f.vendor;

INSERT INTO order_status_history (order_id, from_status, to_status, actor, reason, at)
SELECT h.order_id, h.from_status, h.to_status,
       CASE WHEN h.who = 'system' THEN 'system' ELSE split_part(h.who, ' ', 1) || ':' || u.id END, h.reason,
       h.at::timestamptz
FROM (VALUES (1002, 'DRAFT', 'PENDING_VENDOR', 'retailer +9779800000001', 'confirmed', '2026-11-01 19:00Z'),
             (1002, 'PENDING_VENDOR', 'ACCEPTED', 'vendor +9779800000101', 'accepted', '2026-11-01 19:05Z'),
             (1002, 'ACCEPTED', 'DISPATCHED', 'vendor +9779800000101', NULL, '2026-11-01 20:00Z'),
             (1002, 'DISPATCHED', 'DELIVERED', 'vendor +9779800000101', NULL, '2026-11-01 21:00Z'),
             (1006, 'DRAFT', 'PENDING_VENDOR', 'retailer +9779800000001', 'confirmed', '2026-11-02 03:00Z'))
     AS h(order_id, from_status, to_status, who, reason, at)
LEFT JOIN users u ON u.phone = split_part(h.who, ' ', 2);

INSERT INTO credit_ledger (retailer_id, kind, amount, balance_after, order_id, note, created_at)
SELECT r.id, 'ORDER_DEBIT', l.amount, l.balance, l.order_id, NULL, l.at::timestamptz
FROM (VALUES ('+9779800000001', 1001, 840.00, 840.00, '2026-11-01 10:00Z'),
             ('+9779800000001', 1002, 1050.00, 1890.00, '2026-11-01 19:00Z'),
             ('+9779800000002', 1003, 575.00, 575.00, '2026-11-01 20:00Z'),
             ('+9779800000001', 1006, 900.00, 2790.00, '2026-11-02 03:00Z'))
     AS l(phone, order_id, amount, balance, at)
JOIN users r ON r.phone = l.phone;
