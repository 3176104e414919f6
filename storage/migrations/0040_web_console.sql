-- The web console: one-time login codes sent to admins by WhatsApp, and the sessions they open.
CREATE TABLE web_login_codes (
    id          bigserial PRIMARY KEY,
    phone       text NOT NULL,
    code_hash   text NOT NULL,            -- sha256 of the six digits
    tries       integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX web_login_codes_phone ON web_login_codes (phone, created_at DESC);

CREATE TABLE web_sessions (
    token_hash  text PRIMARY KEY,         -- sha256 of the cookie's value
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    ended_at    timestamptz
);
