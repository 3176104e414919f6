-- /health asks when the sender last sent anything (is it making progress while rows wait?)
CREATE INDEX outbound_sent_at ON outbound_messages (sent_at) WHERE sent_at IS NOT NULL;
-- a media job that failed waits before its next attempt (bounded exponential backoff)
ALTER TABLE media_jobs ADD COLUMN next_attempt_at timestamptz;
