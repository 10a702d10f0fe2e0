-- chek ledger, schema 5 (PostgreSQL), after the chain of the existing rows is filled: the guards.
ALTER TABLE accruals ENABLE TRIGGER accruals_append_only;
-- An accrual is appended with its link, or not at all.
ALTER TABLE accruals ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
  ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX accruals_chain ON accruals (campaign, seq);
-- As in schema 3, and the commitment's link is as fixed as the commitment; the reveal brings
-- its own link.
CREATE OR REPLACE FUNCTION chek_draws_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'draws are append-only';
  END IF;
  IF OLD.result IS NOT NULL OR NEW.result IS NULL
     OR (NEW.campaign, NEW.period, NEW.seed_commitment, NEW.recorded_at, NEW.prize_set,
         NEW.from_day, NEW.to_day, NEW.beacon_source, NEW.beacon_round,
         NEW.seq, NEW.prev_hash, NEW.hash)
        IS DISTINCT FROM
        (OLD.campaign, OLD.period, OLD.seed_commitment, OLD.recorded_at, OLD.prize_set,
         OLD.from_day, OLD.to_day, OLD.beacon_source, OLD.beacon_round,
         OLD.seq, OLD.prev_hash, OLD.hash)
     OR NEW.reveal_seq IS NULL OR NEW.reveal_prev_hash IS NULL OR NEW.reveal_hash IS NULL THEN
    RAISE EXCEPTION 'a draw is revealed once and never changed';
  END IF;
  RETURN NEW;
END $$;
ALTER TABLE draws ENABLE TRIGGER draws_guard;
