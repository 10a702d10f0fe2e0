-- chek ledger, schema 1 (SQLite). Times are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (sortable).
CREATE TABLE participants (
    campaign    TEXT NOT NULL,
    participant TEXT NOT NULL,
    lang        TEXT NOT NULL DEFAULT 'ru',
    created_at  TEXT NOT NULL,
    PRIMARY KEY (campaign, participant)
) WITHOUT ROWID;

-- Campaign-wide lots and points; one row (shard 0) per campaign here.
CREATE TABLE campaign_totals (
    campaign TEXT NOT NULL,
    shard    INTEGER NOT NULL,
    lots     INTEGER NOT NULL DEFAULT 0,
    points   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, shard)
) WITHOUT ROWID;

-- Every attempt, with its outcome. `day` is the day the receipt was first sent by this
-- participant; `superseded` marks attempts a later settle of the same receipt replaced.
CREATE TABLE submissions (
    id              INTEGER PRIMARY KEY,
    campaign        TEXT NOT NULL,
    participant     TEXT NOT NULL,
    idempotency_key TEXT,
    channel         TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    day             TEXT NOT NULL,
    qr              TEXT NOT NULL,
    receipt_key     TEXT NOT NULL,
    status          TEXT NOT NULL,
    next_at         TEXT,
    lots            INTEGER NOT NULL,
    points          INTEGER NOT NULL,
    reasons         TEXT NOT NULL,
    decision        TEXT NOT NULL,
    recheck         INTEGER NOT NULL DEFAULT 0,
    superseded      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX submissions_idempotency ON submissions (campaign, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX submissions_row ON submissions (campaign, receipt_key, participant);
CREATE INDEX submissions_day ON submissions (campaign, day);

-- One row per (receipt, participant) claim; at most one accepted per receipt and campaign.
CREATE TABLE receipts (
    campaign            TEXT NOT NULL,
    receipt_key         TEXT NOT NULL,
    participant         TEXT NOT NULL,
    channel             TEXT NOT NULL,
    qr                  TEXT NOT NULL,
    receipt             TEXT,
    status              TEXT NOT NULL,
    next_at             TEXT,
    attempts            TEXT NOT NULL DEFAULT '[]',
    lots                INTEGER NOT NULL DEFAULT 0,
    points              INTEGER NOT NULL DEFAULT 0,
    first_submission_id INTEGER NOT NULL REFERENCES submissions (id),
    last_submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    first_at            TEXT NOT NULL,
    counted_at          TEXT,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (campaign, receipt_key, participant)
);
CREATE UNIQUE INDEX receipts_accepted_once ON receipts (campaign, receipt_key)
    WHERE status = 'accepted';
CREATE INDEX receipts_counted ON receipts (campaign, participant) WHERE status = 'accepted';
CREATE INDEX receipts_due ON receipts (campaign, next_at) WHERE status = 'pending_recheck';

-- Append-only: lots and points are only ever added.
CREATE TABLE accruals (
    id            INTEGER PRIMARY KEY,
    campaign      TEXT NOT NULL,
    participant   TEXT NOT NULL,
    receipt_key   TEXT NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    lots          INTEGER NOT NULL,
    points        INTEGER NOT NULL,
    at            TEXT NOT NULL
);
CREATE INDEX accruals_at ON accruals (campaign, at);
CREATE TRIGGER accruals_no_update BEFORE UPDATE ON accruals
BEGIN SELECT RAISE(ABORT, 'accruals are append-only'); END;
CREATE TRIGGER accruals_no_delete BEFORE DELETE ON accruals
BEGIN SELECT RAISE(ABORT, 'accruals are append-only'); END;

CREATE TABLE segment_members (
    campaign    TEXT NOT NULL,
    segment     TEXT NOT NULL,
    participant TEXT NOT NULL,
    receipt_key TEXT NOT NULL,
    since       TEXT NOT NULL,
    PRIMARY KEY (campaign, segment, participant, receipt_key)
) WITHOUT ROWID;
CREATE INDEX segment_members_row ON segment_members (campaign, participant, receipt_key);

CREATE TABLE failures (
    id              INTEGER PRIMARY KEY,
    campaign        TEXT NOT NULL,
    participant     TEXT NOT NULL,
    idempotency_key TEXT,
    channel         TEXT,
    received_at     TEXT NOT NULL,
    day             TEXT NOT NULL,
    code            TEXT NOT NULL,
    detail          TEXT NOT NULL
);
CREATE UNIQUE INDEX failures_idempotency ON failures (campaign, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX failures_day ON failures (campaign, day);

CREATE TABLE draws (
    campaign        TEXT NOT NULL,
    period          TEXT NOT NULL,
    seed_commitment TEXT NOT NULL,
    result          TEXT,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (campaign, period)
) WITHOUT ROWID;
