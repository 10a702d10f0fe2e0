-- chek ledger, schema 3 (PostgreSQL): a draw is committed before its period ends, names its
-- days, prize set and the future beacon round it will use, is revealed once (the commitment
-- time is kept, the reveal time is `drawn_at`) and never changed or deleted (issue 21).
ALTER TABLE draws ADD COLUMN prize_set TEXT NOT NULL DEFAULT 'main',
  ADD COLUMN from_day DATE, ADD COLUMN to_day DATE, ADD COLUMN beacon_source TEXT,
  ADD COLUMN beacon_round TEXT, ADD COLUMN drawn_at TIMESTAMP;
CREATE FUNCTION chek_draws_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'draws are append-only';
  END IF;
  IF OLD.result IS NOT NULL OR NEW.result IS NULL
     OR (NEW.campaign, NEW.period, NEW.seed_commitment, NEW.recorded_at, NEW.prize_set,
         NEW.from_day, NEW.to_day, NEW.beacon_source, NEW.beacon_round)
        IS DISTINCT FROM
        (OLD.campaign, OLD.period, OLD.seed_commitment, OLD.recorded_at, OLD.prize_set,
         OLD.from_day, OLD.to_day, OLD.beacon_source, OLD.beacon_round) THEN
    RAISE EXCEPTION 'a draw is revealed once and never changed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER draws_guard BEFORE UPDATE OR DELETE ON draws
  FOR EACH ROW EXECUTE FUNCTION chek_draws_guard();
