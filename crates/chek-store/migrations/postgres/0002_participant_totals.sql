-- chek ledger, schema 2 (PostgreSQL): per-participant running totals and quarter-hour buckets,
-- so that a settle reads a bounded number of rows however long the participant's history
-- (issue 21). Both are updated in the settle's transaction, under the participant's lock.
CREATE TABLE participant_totals (
    campaign    TEXT NOT NULL,
    participant TEXT NOT NULL,
    receipts    BIGINT NOT NULL DEFAULT 0,
    lots        BIGINT NOT NULL DEFAULT 0,
    points      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, participant)
);
INSERT INTO participant_totals (campaign, participant, receipts, lots, points)
SELECT campaign, participant, COUNT(*), COALESCE(SUM(lots), 0), COALESCE(SUM(points), 0)
FROM receipts WHERE status = 'accepted' GROUP BY campaign, participant;
CREATE TABLE participant_buckets (
    campaign    TEXT NOT NULL,
    participant TEXT NOT NULL,
    start       TIMESTAMP NOT NULL,
    receipts    BIGINT NOT NULL DEFAULT 0,
    lots        BIGINT NOT NULL DEFAULT 0,
    points      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, participant, start)
);
INSERT INTO participant_buckets (campaign, participant, start, receipts, lots, points)
SELECT campaign, participant,
       date_trunc('hour', counted_at) + floor(extract(minute FROM counted_at) / 15) * INTERVAL '15 minutes',
       COUNT(*), COALESCE(SUM(lots), 0), COALESCE(SUM(points), 0)
FROM receipts WHERE status = 'accepted' AND counted_at IS NOT NULL
GROUP BY 1, 2, 3;
