-- chek ledger, schema 2 (SQLite): per-participant running totals, so that a settle reads O(1)
-- rows however long the participant's history (issue 21). Updated in the settle's transaction.
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
-- The recent counted receipts of a participant (what the day and week windows see).
CREATE INDEX receipts_recent ON receipts (campaign, participant, counted_at) WHERE status = 'accepted';
