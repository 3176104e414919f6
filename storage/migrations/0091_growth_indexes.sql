-- Periodic reads that scanned every stored message: safe mode's load (every minute: messages handled
-- in the window) and self-healing's failed messages (every five minutes). At tens of millions of rows
-- a scan a minute costs a core; these keep them index reads.
CREATE INDEX inbound_handled_at ON inbound_messages (handled_at);
CREATE INDEX outbound_failing ON outbound_messages (id) WHERE status IN ('dead', 'failed');
