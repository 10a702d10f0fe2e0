-- chek ledger, schema 5 (SQLite), after the chain of the existing rows is filled: the guards.
CREATE UNIQUE INDEX accruals_chain ON accruals (campaign, seq);
CREATE TRIGGER accruals_no_update BEFORE UPDATE ON accruals
BEGIN SELECT RAISE(ABORT, 'accruals are append-only'); END;
-- An accrual is appended with its link, or not at all.
CREATE TRIGGER accruals_chained BEFORE INSERT ON accruals
WHEN NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.hash IS NULL
BEGIN SELECT RAISE(ABORT, 'an accrual is appended with its chain link'); END;
-- As in schema 3, and the commitment's link is as fixed as the commitment; the reveal brings
-- its own link.
CREATE TRIGGER draws_reveal_once BEFORE UPDATE ON draws
WHEN OLD.result IS NOT NULL OR NEW.result IS NULL OR NEW.campaign IS NOT OLD.campaign
  OR NEW.period IS NOT OLD.period OR NEW.seed_commitment IS NOT OLD.seed_commitment
  OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.prize_set IS NOT OLD.prize_set
  OR NEW.from_day IS NOT OLD.from_day OR NEW.to_day IS NOT OLD.to_day
  OR NEW.beacon_source IS NOT OLD.beacon_source OR NEW.beacon_round IS NOT OLD.beacon_round
  OR NEW.seq IS NOT OLD.seq OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
  OR NEW.reveal_seq IS NULL OR NEW.reveal_prev_hash IS NULL OR NEW.reveal_hash IS NULL
BEGIN SELECT RAISE(ABORT, 'a draw is revealed once and never changed'); END;
