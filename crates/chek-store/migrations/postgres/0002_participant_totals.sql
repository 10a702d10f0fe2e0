-- chek ledger, schema 2 (PostgreSQL): per-participant running totals, so that a settle reads
-- O(1) rows however long the participant's history (issue 21). Updated in the settle's
-- transaction, under the participant's advisory lock.
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
CREATE INDEX receipts_recent ON receipts (campaign, participant, counted_at) WHERE status = 'accepted';
