-- chek ledger, schema 6 (SQLite): the outbox. Every message chek sends is a row here first,
-- written with an idempotency key (once per key), then claimed by a dispatcher under a lease,
-- sent, and finished. A claim whose lease ran out is taken over and marked `in_doubt`: the
-- earlier attempt may have reached the provider.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
    due_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,
    in_doubt INTEGER NOT NULL DEFAULT 0,
    -- Claims that took the row over from an expired lease, ever.
    takeovers INTEGER NOT NULL DEFAULT 0,
    provider_id TEXT,
    delivery TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX outbox_due ON outbox (due_at, id) WHERE status = 'queued';
CREATE INDEX outbox_lease ON outbox (lease_until, id) WHERE status = 'sending';
CREATE INDEX outbox_provider ON outbox (channel, provider_id) WHERE provider_id IS NOT NULL;
