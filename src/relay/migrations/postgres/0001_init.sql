-- onshi relay schema v1 (PostgreSQL). Times are Unix milliseconds of the relay's clock.
CREATE TABLE clinics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    emr_key_hash TEXT NOT NULL UNIQUE,
    created_ms BIGINT NOT NULL
);
CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    expires_ms BIGINT NOT NULL,
    used_ms BIGINT
);
CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    cred_hash TEXT NOT NULL UNIQUE,
    cred_expires_ms BIGINT NOT NULL,
    next_cred_hash TEXT UNIQUE,
    next_expires_ms BIGINT,
    revoked_ms BIGINT,
    created_ms BIGINT NOT NULL,
    last_seen_ms BIGINT,
    connected_until_ms BIGINT NOT NULL DEFAULT 0,
    agent_version TEXT,
    clock_skew_ms BIGINT,
    health TEXT,
    health_ms BIGINT
);
CREATE INDEX agents_clinic ON agents(clinic_id);
CREATE TABLE events (
    seq BIGSERIAL PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    taken_ms BIGINT NOT NULL,
    stored_ms BIGINT NOT NULL,
    UNIQUE (clinic_id, key)
);
CREATE TABLE commands (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    idempotency_key TEXT,
    op TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    progress TEXT,
    outcome TEXT,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    UNIQUE (clinic_id, idempotency_key)
);
CREATE INDEX commands_open ON commands(clinic_id, state);
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1
);
CREATE TABLE deliveries (
    id BIGSERIAL PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id),
    event_seq BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_ms BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL DEFAULT 0,
    done_ms BIGINT,
    last_status TEXT,
    UNIQUE (webhook_id, event_seq)
);
CREATE INDEX deliveries_due ON deliveries(done_ms, next_ms);
