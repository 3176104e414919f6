-- Inbound and outbound messages and the audit log are partitioned by calendar month (UTC), so that
-- old months can be archived and dropped whole (jobs/partitions.py) and the hot path's indexes stay
-- the size of a few months. Existing rows are copied into their months.
--
-- A unique index on a partitioned table must contain the partition key, and a provider redelivers a
-- message with the same provider id at a later received_at: the inbox's dedupe moves to a narrow
-- table of its own, `inbound_message_ids`, pruned with the months it covers. Foreign keys to these
-- tables (outbound -> inbound, media_jobs -> inbound, healing_attempts -> outbound) go: a key to a
-- partitioned table would have to carry its month; the retention job deletes the dependent rows of
-- a month it drops.

-- The partition of `parent` holding the UTC month of `month`, made if missing; rows of that month
-- waiting in the default partition move into it. True when it was made now.
CREATE OR REPLACE FUNCTION ensure_month_partition(parent text, month timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    lo_local timestamp := date_trunc('month', month AT TIME ZONE 'UTC');
    lo timestamptz := lo_local AT TIME ZONE 'UTC';
    hi timestamptz := (lo_local + interval '1 month') AT TIME ZONE 'UTC';
    name text := parent || '_p' || to_char(lo_local, 'YYYYMM');
    key text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('partition:' || parent));
    IF to_regclass(name) IS NOT NULL THEN
        RETURN false;
    END IF;
    SELECT a.attname INTO key FROM pg_partitioned_table p
        JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
        WHERE p.partrelid = parent::regclass;
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', name, parent);
    IF to_regclass(parent || '_default') IS NOT NULL THEN
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *)'
                       ' INSERT INTO %I SELECT * FROM moved', parent || '_default', key, key, name)
            USING lo, hi;
    END IF;
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, lo, hi);
    RETURN true;
END $$;

-- The monthly partitions of `parent` from the month of `since` to the month of `until`; how many were made.
CREATE OR REPLACE FUNCTION ensure_month_partitions(parent text, since timestamptz, until timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    m timestamp;
    made integer := 0;
BEGIN
    FOR m IN SELECT generate_series(date_trunc('month', since AT TIME ZONE 'UTC'),
                                    date_trunc('month', until AT TIME ZONE 'UTC'), interval '1 month') LOOP
        IF ensure_month_partition(parent, m AT TIME ZONE 'UTC') THEN
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END $$;

ALTER TABLE inbound_messages RENAME TO inbound_messages_unpartitioned;
ALTER TABLE outbound_messages RENAME TO outbound_messages_unpartitioned;
ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
ALTER SEQUENCE inbound_messages_id_seq OWNED BY NONE;
ALTER SEQUENCE outbound_messages_id_seq OWNED BY NONE;
ALTER SEQUENCE audit_log_id_seq OWNED BY NONE;

CREATE TABLE inbound_messages (
    id            bigint NOT NULL DEFAULT nextval('inbound_messages_id_seq'),
    provider      text NOT NULL,
    provider_id   text NOT NULL,
    phone         text NOT NULL,
    body          text NOT NULL DEFAULT '',
    media         jsonb NOT NULL DEFAULT '[]',
    profile_name  text,
    payload       jsonb NOT NULL DEFAULT '{}',
    status        text NOT NULL DEFAULT 'received',
    error         text,
    received_at   timestamptz NOT NULL,
    handled_at    timestamptz,
    attempts      integer NOT NULL DEFAULT 0
) PARTITION BY RANGE (received_at);

CREATE TABLE outbound_messages (
    id               bigint NOT NULL DEFAULT nextval('outbound_messages_id_seq'),
    recipient        text NOT NULL,
    channel          text NOT NULL DEFAULT 'whatsapp',
    body             text NOT NULL DEFAULT '',
    media_url        text,
    template         jsonb,
    kind             text NOT NULL DEFAULT 'reply',
    inbound_id       bigint,
    status           text NOT NULL DEFAULT 'queued',
    tries            integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    claimed_at       timestamptz,
    provider_sid     text,
    provider_status  text,
    last_error       text,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    interactive      jsonb,
    text_ref         jsonb,
    sent_as          text,
    order_id         bigint,
    delivered_at     timestamptz,
    read_at          timestamptz
) PARTITION BY RANGE (created_at);

CREATE TABLE audit_log (
    id       bigint NOT NULL DEFAULT nextval('audit_log_id_seq'),
    actor    text NOT NULL,
    action   text NOT NULL,
    subject  text,
    before   jsonb,
    after    jsonb,
    at       timestamptz NOT NULL
) PARTITION BY RANGE (at);

ALTER SEQUENCE inbound_messages_id_seq OWNED BY inbound_messages.id;
ALTER SEQUENCE outbound_messages_id_seq OWNED BY outbound_messages.id;
ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;

-- Rows outside every month made (a clock far off, a month the job has not made yet) land here and
-- move into their month when it is made.
CREATE TABLE inbound_messages_default PARTITION OF inbound_messages DEFAULT;
CREATE TABLE outbound_messages_default PARTITION OF outbound_messages DEFAULT;
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

SELECT ensure_month_partitions('inbound_messages',
    LEAST(now(), (SELECT min(received_at) FROM inbound_messages_unpartitioned)), now() + interval '3 months');
SELECT ensure_month_partitions('outbound_messages',
    LEAST(now(), (SELECT min(created_at) FROM outbound_messages_unpartitioned)), now() + interval '3 months');
SELECT ensure_month_partitions('audit_log',
    LEAST(now(), (SELECT min(at) FROM audit_log_unpartitioned)), now() + interval '3 months');

INSERT INTO inbound_messages (id, provider, provider_id, phone, body, media, profile_name, payload, status,
                              error, received_at, handled_at, attempts)
    SELECT id, provider, provider_id, phone, body, media, profile_name, payload, status, error, received_at,
           handled_at, attempts FROM inbound_messages_unpartitioned;
INSERT INTO outbound_messages (id, recipient, channel, body, media_url, template, kind, inbound_id, status,
                               tries, next_attempt_at, claimed_at, provider_sid, provider_status, last_error,
                               created_at, sent_at, interactive, text_ref, sent_as, order_id, delivered_at, read_at)
    SELECT id, recipient, channel, body, media_url, template, kind, inbound_id, status, tries, next_attempt_at,
           claimed_at, provider_sid, provider_status, last_error, created_at, sent_at, interactive, text_ref,
           sent_as, order_id, delivered_at, read_at
    FROM outbound_messages_unpartitioned;
INSERT INTO audit_log (id, actor, action, subject, before, after, at)
    SELECT id, actor, action, subject, before, after, at FROM audit_log_unpartitioned;

CREATE TABLE inbound_message_ids (
    provider     text NOT NULL,
    provider_id  text NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (provider, provider_id)
);
INSERT INTO inbound_message_ids (provider, provider_id, received_at)
    SELECT provider, provider_id, received_at FROM inbound_messages_unpartitioned;

DROP TABLE outbound_messages_unpartitioned CASCADE;
DROP TABLE inbound_messages_unpartitioned CASCADE;
DROP TABLE audit_log_unpartitioned CASCADE;

CREATE INDEX inbound_message_ids_received_at ON inbound_message_ids (received_at);

ALTER TABLE inbound_messages ADD PRIMARY KEY (id, received_at);
CREATE INDEX inbound_pending ON inbound_messages (phone, id) WHERE status = 'received';
CREATE INDEX inbound_received_at ON inbound_messages (received_at);
CREATE INDEX inbound_failed ON inbound_messages (handled_at) WHERE status = 'failed';
CREATE INDEX inbound_sender_recent ON inbound_messages (phone, received_at);
CREATE INDEX inbound_window ON inbound_messages (phone, provider, received_at DESC);

ALTER TABLE outbound_messages ADD PRIMARY KEY (id, created_at);
CREATE INDEX outbound_ready ON outbound_messages (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outbound_recipient_open ON outbound_messages (recipient, id) WHERE status IN ('queued', 'sending');
CREATE INDEX outbound_sent_at ON outbound_messages (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX outbound_recipient_latest ON outbound_messages (recipient, id DESC);
CREATE INDEX outbound_provider_sid ON outbound_messages (provider_sid) WHERE provider_sid IS NOT NULL;
CREATE INDEX outbound_held ON outbound_messages (recipient, id) WHERE status = 'held';
CREATE INDEX outbound_order ON outbound_messages (order_id, id) WHERE order_id IS NOT NULL;

ALTER TABLE audit_log ADD PRIMARY KEY (id, at);
CREATE INDEX audit_log_at ON audit_log (at);
