-- chek ledger, schema 3 (SQLite): a draw is committed before its period ends, names its days,
-- prize set and the future beacon round it will use, is revealed once (the commitment time is
-- kept, the reveal time is `drawn_at`) and never changed or deleted (issue 21).
ALTER TABLE draws ADD COLUMN prize_set TEXT NOT NULL DEFAULT 'main';
ALTER TABLE draws ADD COLUMN from_day TEXT;
ALTER TABLE draws ADD COLUMN to_day TEXT;
ALTER TABLE draws ADD COLUMN beacon_source TEXT;
ALTER TABLE draws ADD COLUMN beacon_round TEXT;
ALTER TABLE draws ADD COLUMN drawn_at TEXT;
CREATE TRIGGER draws_no_delete BEFORE DELETE ON draws
BEGIN SELECT RAISE(ABORT, 'draws are append-only'); END;
CREATE TRIGGER draws_reveal_once BEFORE UPDATE ON draws
WHEN OLD.result IS NOT NULL OR NEW.result IS NULL OR NEW.campaign IS NOT OLD.campaign
  OR NEW.period IS NOT OLD.period OR NEW.seed_commitment IS NOT OLD.seed_commitment
  OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.prize_set IS NOT OLD.prize_set
  OR NEW.from_day IS NOT OLD.from_day OR NEW.to_day IS NOT OLD.to_day
  OR NEW.beacon_source IS NOT OLD.beacon_source OR NEW.beacon_round IS NOT OLD.beacon_round
BEGIN SELECT RAISE(ABORT, 'a draw is revealed once and never changed'); END;
