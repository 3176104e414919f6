-- How many times handling a message failed for real; the inbox sweep retries it up to a bound.
ALTER TABLE inbound_messages ADD COLUMN attempts integer NOT NULL DEFAULT 0;
CREATE INDEX inbound_failed ON inbound_messages (handled_at) WHERE status = 'failed';
