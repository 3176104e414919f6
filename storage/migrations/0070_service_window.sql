-- WhatsApp's 24-hour customer-service window (domain/service_window.py), decided when the outbox sends.
-- text_ref: the reply text a row was rendered from ({"key", "language", "params"}): what an approved
-- template is filled with outside the window. sent_as: how the row went out (text | template).
-- A row outside the window with no template fitting it is `held` until the customer writes again.
ALTER TABLE outbound_messages ADD COLUMN text_ref jsonb;
ALTER TABLE outbound_messages ADD COLUMN sent_as text;
-- the order a message is about (its text's order_id), for the delivery receipts in /order N
ALTER TABLE outbound_messages ADD COLUMN order_id bigint;
-- when the provider reported the message delivered to the phone, and read
ALTER TABLE outbound_messages ADD COLUMN delivered_at timestamptz;
ALTER TABLE outbound_messages ADD COLUMN read_at timestamptz;
CREATE INDEX outbound_held ON outbound_messages (recipient, id) WHERE status = 'held';
CREATE INDEX outbound_order ON outbound_messages (order_id, id) WHERE order_id IS NOT NULL;
-- the window of a number on a channel: its latest inbound message there
CREATE INDEX inbound_window ON inbound_messages (phone, provider, received_at DESC);
-- whether a reminder went as a template is the outbox's decision now (outbound_messages.sent_as)
ALTER TABLE reorder_reminders ALTER COLUMN templated DROP NOT NULL;
