-- chek ledger, schema 5 (PostgreSQL): a hash chain over the append-only records (issue 21,
-- item 9; docs/ledger-chain.md). Each accrual, each draw commitment and each draw reveal is a
-- link of its campaign's chain: its position (`seq`), the hash of the link before it
-- (`prev_hash`) and its own `hash`, a SHA-256 over its fields. `chain_heads` holds each chain's
-- last link; its row lock orders the appends of a campaign.
-- After this file, the rows already there are chained (by chek, in Rust), then
-- 0005_chain_guards.sql puts the guards back. One transaction.
CREATE TABLE chain_heads (
    campaign TEXT NOT NULL PRIMARY KEY,
    seq      BIGINT NOT NULL,
    hash     TEXT NOT NULL
);
ALTER TABLE accruals ADD COLUMN seq BIGINT, ADD COLUMN prev_hash TEXT, ADD COLUMN hash TEXT;
ALTER TABLE draws ADD COLUMN seq BIGINT, ADD COLUMN prev_hash TEXT, ADD COLUMN hash TEXT,
  ADD COLUMN reveal_seq BIGINT, ADD COLUMN reveal_prev_hash TEXT, ADD COLUMN reveal_hash TEXT;
-- The fill writes the links into rows the guards protect.
ALTER TABLE accruals DISABLE TRIGGER accruals_append_only;
ALTER TABLE draws DISABLE TRIGGER draws_guard;

-- The chain's encoding (chek-chain-v1), byte for byte what chek's Rust computes
-- (crates/chek-store/src/chain.rs): SHA-256 of 'chek-chain-v1\n' and each field as
-- 'LEN:VALUE\n' (LEN in UTF-8 bytes) or '-\n' for NULL; lowercase hex.
CREATE FUNCTION chek_chain_hash(VARIADIC f TEXT[]) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to('chek-chain-v1' || E'\n' || COALESCE(
    (SELECT string_agg(CASE WHEN x IS NULL THEN '-' ELSE octet_length(x)::TEXT || ':' || x END
                       || E'\n', '' ORDER BY i)
     FROM unnest(f) WITH ORDINALITY AS t(x, i)), ''), 'UTF8')), 'hex')
$$;

-- Appends accruals to their campaigns' chains and adds them to the campaign counters: the
-- arrays hold one accrual per index, sorted by campaign (so every caller locks heads in one
-- order). Each head is locked (FOR UPDATE) only from here to the caller's COMMIT, which chek
-- sends right after this call. Every counted receipt of a campaign passes here, under its head:
-- the counter read at the end of a campaign's accruals is exact, and a campaign budget
-- (bl, bp: the row's campaign's budget of lots and points, NULL for none) that it would exceed
-- aborts the transaction with SQLSTATE CK001, for chek to settle again with fresh figures.
CREATE FUNCTION chek_chain_accruals(cs TEXT[], ps TEXT[], ks TEXT[], subs BIGINT[],
    ls BIGINT[], pts BIGINT[], ats TIMESTAMP[], shards SMALLINT[], bl BIGINT[], bp BIGINT[])
RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  n INT := COALESCE(array_length(cs, 1), 0);
  cur TEXT := NULL;
  cur_bl BIGINT;
  cur_bp BIGINT;
  h_seq BIGINT;
  h_hash TEXT;
  nh TEXT;
  spent_l BIGINT;
  spent_p BIGINT;
BEGIN
  FOR i IN 1 .. n + 1 LOOP
    IF i > n OR cur IS DISTINCT FROM cs[i] THEN
      IF cur IS NOT NULL THEN
        UPDATE chain_heads SET seq = h_seq, hash = h_hash WHERE campaign = cur;
        IF cur_bl IS NOT NULL OR cur_bp IS NOT NULL THEN
          SELECT COALESCE(SUM(lots), 0), COALESCE(SUM(points), 0) INTO spent_l, spent_p
            FROM campaign_totals WHERE campaign = cur;
          IF spent_l > COALESCE(cur_bl, spent_l) OR spent_p > COALESCE(cur_bp, spent_p) THEN
            RAISE EXCEPTION USING ERRCODE = 'CK001',
              MESSAGE = format('the budget of campaign %s would be exceeded (%s lots, %s points)',
                               cur, spent_l, spent_p);
          END IF;
        END IF;
      END IF;
      EXIT WHEN i > n;
      cur := cs[i];
      cur_bl := bl[i];
      cur_bp := bp[i];
      SELECT seq, hash INTO h_seq, h_hash FROM chain_heads WHERE campaign = cur FOR UPDATE;
      IF NOT FOUND THEN
        -- The campaign's first link: the head starts at position 0, the genesis hash.
        INSERT INTO chain_heads (campaign, seq, hash) VALUES (cur, 0, repeat('0', 64))
          ON CONFLICT (campaign) DO NOTHING;
        SELECT seq, hash INTO h_seq, h_hash FROM chain_heads WHERE campaign = cur FOR UPDATE;
      END IF;
    END IF;
    h_seq := h_seq + 1;
    nh := chek_chain_hash('accrual', cur, h_seq::TEXT, h_hash, ps[i], ks[i], subs[i]::TEXT,
      ls[i]::TEXT, pts[i]::TEXT, to_char(ats[i], 'YYYY-MM-DD HH24:MI:SS.US'));
    INSERT INTO accruals (campaign, participant, receipt_key, submission_id, lots, points, at,
      seq, prev_hash, hash)
    VALUES (cur, ps[i], ks[i], subs[i], ls[i], pts[i], ats[i], h_seq, h_hash, nh);
    h_hash := nh;
    UPDATE campaign_totals SET lots = lots + ls[i], points = points + pts[i]
      WHERE campaign = cur AND shard = shards[i];
    IF NOT FOUND THEN
      RAISE EXCEPTION 'the campaign counter of % is missing', cur;
    END IF;
  END LOOP;
  RETURN n;
END $$;
