-- How many times handling a message failed for real; the inbox sweep retries it up to a bound.
ALTER TABLE inbound_messages ADD COLUMN attempts integer NOT NULL DEFAULT 0;
CREATE INDEX inbound_failed ON inbound_messages (handled_at) WHERE status = 'failed';
-- Per-sender inbound rate limit: a sender's messages in the last minute.
CREATE INDEX inbound_sender_recent ON inbound_messages (phone, received_at);
