-- reply buttons or a list shown under a message's body (domain.interactive's JSON)
ALTER TABLE outbound_messages ADD COLUMN interactive jsonb;
-- a typed "2" or "Confirm" answers the latest message to its sender: found by recipient, newest first
CREATE INDEX outbound_recipient_latest ON outbound_messages (recipient, id DESC);
