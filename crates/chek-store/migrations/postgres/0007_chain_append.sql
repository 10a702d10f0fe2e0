-- chek ledger, schema 7 (PostgreSQL): the chain append costs a few statements per campaign
-- instead of per accrual (issue 21, throughput). Same encoding, same links, same locks.
--
-- Schema 5's chek_chain_hash was a LANGUAGE sql function with a sub-select: PostgreSQL cannot
-- inline it, so it parsed and planned its body on every call, once per accrual. And
-- chek_chain_accruals ran an INSERT and an UPDATE per accrual. Measured with perf on 8 callers
-- settling one receipt per commit, the append was a fifth of the server's CPU.

-- The encoding (chek-chain-v1) is unchanged: SHA-256 of 'chek-chain-v1\n' and each field as
-- 'LEN:VALUE\n' (LEN in UTF-8 bytes) or '-\n' for NULL; lowercase hex.
CREATE OR REPLACE FUNCTION chek_chain_hash(VARIADIC f TEXT[]) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  s TEXT := E'chek-chain-v1\n';
  x TEXT;
BEGIN
  FOREACH x IN ARRAY f LOOP
    IF x IS NULL THEN
      s := s || E'-\n';
    ELSE
      s := s || octet_length(x)::TEXT || ':' || x || E'\n';
    END IF;
  END LOOP;
  RETURN encode(sha256(convert_to(s, 'UTF8')), 'hex');
END $$;

-- As in schema 5: appends accruals (one per array index, sorted by campaign, so every caller
-- locks heads in one order) to their campaigns' chains, adds them to the campaign counters and
-- checks each campaign's budget (bl, bp; NULL for none) with SQLSTATE CK001 when it would be
-- exceeded. Each head is locked (FOR UPDATE) from here to the caller's COMMIT, sent right
-- after. Per campaign: the head is read, the links are hashed in a loop (chek_chain_hash, no SQL), then
-- one INSERT of the accruals, one UPDATE of the counter shards, one UPDATE of the head.
CREATE OR REPLACE FUNCTION chek_chain_accruals(cs TEXT[], ps TEXT[], ks TEXT[], subs BIGINT[],
    ls BIGINT[], pts BIGINT[], ats TIMESTAMP[], shards SMALLINT[], bl BIGINT[], bp BIGINT[])
RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  n INT := COALESCE(array_length(cs, 1), 0);
  lo INT := 1;
  hi INT;
  cur TEXT;
  h_seq BIGINT;
  h_hash TEXT;
  first_seq BIGINT;
  prevs TEXT[];
  hashes TEXT[];
  want INT;
  got INT;
  spent_l BIGINT;
  spent_p BIGINT;
BEGIN
  WHILE lo <= n LOOP
    cur := cs[lo];
    hi := lo;
    WHILE hi < n AND cs[hi + 1] = cur LOOP
      hi := hi + 1;
    END LOOP;

    SELECT seq, hash INTO h_seq, h_hash FROM chain_heads WHERE campaign = cur FOR UPDATE;
    IF NOT FOUND THEN
      -- The campaign's first link: the head starts at position 0, the genesis hash.
      INSERT INTO chain_heads (campaign, seq, hash) VALUES (cur, 0, repeat('0', 64))
        ON CONFLICT (campaign) DO NOTHING;
      SELECT seq, hash INTO h_seq, h_hash FROM chain_heads WHERE campaign = cur FOR UPDATE;
    END IF;

    first_seq := h_seq + 1;
    prevs := '{}';
    hashes := '{}';
    FOR i IN lo .. hi LOOP
      h_seq := h_seq + 1;
      prevs := prevs || h_hash;
      h_hash := chek_chain_hash('accrual', cur, h_seq::TEXT, h_hash, ps[i], ks[i], subs[i]::TEXT,
        ls[i]::TEXT, pts[i]::TEXT, to_char(ats[i], 'YYYY-MM-DD HH24:MI:SS.US'));
      hashes := hashes || h_hash;
    END LOOP;

    INSERT INTO accruals (campaign, participant, receipt_key, submission_id, lots, points, at,
      seq, prev_hash, hash)
    SELECT cur, p, k, sub, l, pt, a, first_seq + o - 1, pv, h
      FROM unnest(ps[lo:hi], ks[lo:hi], subs[lo:hi], ls[lo:hi], pts[lo:hi], ats[lo:hi], prevs,
                  hashes) WITH ORDINALITY AS t(p, k, sub, l, pt, a, pv, h, o);

    UPDATE campaign_totals t SET lots = t.lots + d.l, points = t.points + d.p
      FROM (SELECT sh, SUM(l) AS l, SUM(p) AS p
              FROM unnest(shards[lo:hi], ls[lo:hi], pts[lo:hi]) AS u(sh, l, p) GROUP BY sh) d
     WHERE t.campaign = cur AND t.shard = d.sh;
    GET DIAGNOSTICS got = ROW_COUNT;
    SELECT COUNT(DISTINCT sh) INTO want FROM unnest(shards[lo:hi]) AS u(sh);
    IF got <> want THEN
      RAISE EXCEPTION 'the campaign counter of % is missing', cur;
    END IF;

    UPDATE chain_heads SET seq = h_seq, hash = h_hash WHERE campaign = cur;

    IF bl[lo] IS NOT NULL OR bp[lo] IS NOT NULL THEN
      SELECT COALESCE(SUM(lots), 0), COALESCE(SUM(points), 0) INTO spent_l, spent_p
        FROM campaign_totals WHERE campaign = cur;
      IF spent_l > COALESCE(bl[lo], spent_l) OR spent_p > COALESCE(bp[lo], spent_p) THEN
        RAISE EXCEPTION USING ERRCODE = 'CK001',
          MESSAGE = format('the budget of campaign %s would be exceeded (%s lots, %s points)',
                           cur, spent_l, spent_p);
      END IF;
    END IF;
    lo := hi + 1;
  END LOOP;
  RETURN n;
END $$;
