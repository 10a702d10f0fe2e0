-- chek ledger, schema 2 (SQLite): per-participant running totals and quarter-hour buckets, so
-- that a settle reads a bounded number of rows however long the participant's history
-- (issue 21). Both are updated in the settle's transaction.
CREATE TABLE participant_totals (
    campaign    TEXT NOT NULL,
    participant TEXT NOT NULL,
    receipts    INTEGER NOT NULL DEFAULT 0,
    lots        INTEGER NOT NULL DEFAULT 0,
    points      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, participant)
) WITHOUT ROWID;
INSERT INTO participant_totals (campaign, participant, receipts, lots, points)
SELECT campaign, participant, COUNT(*), COALESCE(SUM(lots), 0), COALESCE(SUM(points), 0)
FROM receipts WHERE status = 'accepted' GROUP BY campaign, participant;
-- Counted receipts per quarter hour of `counted_at` (UTC): what day and week windows read.
CREATE TABLE participant_buckets (
    campaign    TEXT NOT NULL,
    participant TEXT NOT NULL,
    start       TEXT NOT NULL,
    receipts    INTEGER NOT NULL DEFAULT 0,
    lots        INTEGER NOT NULL DEFAULT 0,
    points      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, participant, start)
) WITHOUT ROWID;
INSERT INTO participant_buckets (campaign, participant, start, receipts, lots, points)
SELECT campaign, participant,
       substr(counted_at, 1, 14) || printf('%02d', CAST(substr(counted_at, 15, 2) AS INTEGER) / 15 * 15) || ':00.000000',
       COUNT(*), COALESCE(SUM(lots), 0), COALESCE(SUM(points), 0)
FROM receipts WHERE status = 'accepted' AND counted_at IS NOT NULL
GROUP BY 1, 2, 3;
