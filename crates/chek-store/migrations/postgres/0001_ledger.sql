-- chek ledger, schema 1 (PostgreSQL). Times are UTC `timestamp`.
CREATE TABLE participants (
    campaign    TEXT NOT NULL,
    participant TEXT NOT NULL,
    lang        TEXT NOT NULL DEFAULT 'ru',
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign, participant)
);

-- Campaign-wide lots and points, split over a few shard rows so that settles without a budget
-- do not queue on one hot row; a budget settle locks them all (in shard order).
CREATE TABLE campaign_totals (
    campaign TEXT NOT NULL,
    shard    SMALLINT NOT NULL,
    lots     BIGINT NOT NULL DEFAULT 0,
    points   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, shard)
);

CREATE TABLE submissions (
    id              BIGSERIAL PRIMARY KEY,
    campaign        TEXT NOT NULL,
    participant     TEXT NOT NULL,
    idempotency_key TEXT,
    channel         TEXT NOT NULL,
    received_at     TIMESTAMP NOT NULL,
    day             DATE NOT NULL,
    qr              TEXT NOT NULL,
    receipt_key     TEXT NOT NULL,
    status          TEXT NOT NULL,
    next_at         TIMESTAMP,
    lots            BIGINT NOT NULL,
    points          BIGINT NOT NULL,
    reasons         TEXT NOT NULL,
    decision        TEXT NOT NULL,
    recheck         BOOLEAN NOT NULL DEFAULT FALSE,
    superseded      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX submissions_idempotency ON submissions (campaign, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX submissions_row ON submissions (campaign, receipt_key, participant);
CREATE INDEX submissions_day ON submissions (campaign, day);

CREATE TABLE receipts (
    campaign            TEXT NOT NULL,
    receipt_key         TEXT NOT NULL,
    participant         TEXT NOT NULL,
    channel             TEXT NOT NULL,
    qr                  TEXT NOT NULL,
    receipt             TEXT,
    status              TEXT NOT NULL,
    next_at             TIMESTAMP,
    attempts            TEXT NOT NULL DEFAULT '[]',
    lots                BIGINT NOT NULL DEFAULT 0,
    points              BIGINT NOT NULL DEFAULT 0,
    first_submission_id BIGINT NOT NULL REFERENCES submissions (id),
    last_submission_id  BIGINT NOT NULL REFERENCES submissions (id),
    first_at            TIMESTAMP NOT NULL,
    counted_at          TIMESTAMP,
    updated_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign, receipt_key, participant)
);
CREATE UNIQUE INDEX receipts_accepted_once ON receipts (campaign, receipt_key)
    WHERE status = 'accepted';
CREATE INDEX receipts_counted ON receipts (campaign, participant) WHERE status = 'accepted';
CREATE INDEX receipts_due ON receipts (campaign, next_at) WHERE status = 'pending_recheck';

CREATE TABLE accruals (
    id            BIGSERIAL PRIMARY KEY,
    campaign      TEXT NOT NULL,
    participant   TEXT NOT NULL,
    receipt_key   TEXT NOT NULL,
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    lots          BIGINT NOT NULL,
    points        BIGINT NOT NULL,
    at            TIMESTAMP NOT NULL
);
CREATE INDEX accruals_at ON accruals (campaign, at);
CREATE FUNCTION chek_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accruals are append-only';
END $$;
CREATE TRIGGER accruals_append_only BEFORE UPDATE OR DELETE ON accruals
    FOR EACH ROW EXECUTE FUNCTION chek_append_only();

CREATE TABLE segment_members (
    campaign    TEXT NOT NULL,
    segment     TEXT NOT NULL,
    participant TEXT NOT NULL,
    receipt_key TEXT NOT NULL,
    since       TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign, segment, participant, receipt_key)
);
CREATE INDEX segment_members_row ON segment_members (campaign, participant, receipt_key);

CREATE TABLE failures (
    id              BIGSERIAL PRIMARY KEY,
    campaign        TEXT NOT NULL,
    participant     TEXT NOT NULL,
    idempotency_key TEXT,
    channel         TEXT,
    received_at     TIMESTAMP NOT NULL,
    day             DATE NOT NULL,
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
    recorded_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign, period)
);
