-- Photos and voice notes waiting for OCR or transcription, and what was read from them.
CREATE TABLE media_jobs (
    id           bigserial PRIMARY KEY,
    inbound_id   bigint NOT NULL REFERENCES inbound_messages(id) ON DELETE CASCADE,
    phone        text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('image', 'audio')),
    url          text NOT NULL,
    content_type text NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'working', 'done', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    text         text,                      -- what the order is read from (after LLM extraction, if any)
    raw_text     text,                      -- what OCR or speech recognition gave
    lines        jsonb NOT NULL DEFAULT '[]',
    confidence   double precision,
    backend      text,
    error        text,
    created_at   timestamptz NOT NULL,
    claimed_at   timestamptz,
    done_at      timestamptz,
    UNIQUE (inbound_id, url)
);
CREATE INDEX media_jobs_open ON media_jobs (id) WHERE status IN ('pending', 'working');
