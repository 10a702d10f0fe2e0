-- chek ledger, schema 6 (PostgreSQL): the outbox (see the SQLite migration for the model).
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
    due_at TIMESTAMP NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_until TIMESTAMP,
    in_doubt BOOLEAN NOT NULL DEFAULT FALSE,
    takeovers BIGINT NOT NULL DEFAULT 0,
    provider_id TEXT,
    delivery TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (due_at, id) WHERE status = 'queued';
CREATE INDEX outbox_lease ON outbox (lease_until, id) WHERE status = 'sending';
CREATE INDEX outbox_provider ON outbox (channel, provider_id) WHERE provider_id IS NOT NULL;
