-- chek ledger, schema 5 (SQLite): a hash chain over the append-only records (issue 21, item 9;
-- docs/ledger-chain.md). Each accrual, each draw commitment and each draw reveal is a link of
-- its campaign's chain: its position (`seq`), the hash of the link before it (`prev_hash`) and
-- its own `hash`, a SHA-256 over its fields. `chain_heads` holds each chain's last link.
-- After this file, the rows already there are chained in Rust (SQLite's SQL has no SHA-256),
-- then 0005_chain_guards.sql puts the guards back. One transaction.
CREATE TABLE chain_heads (
    campaign TEXT NOT NULL PRIMARY KEY,
    seq      INTEGER NOT NULL,
    hash     TEXT NOT NULL
) WITHOUT ROWID;
ALTER TABLE accruals ADD COLUMN seq INTEGER;
ALTER TABLE accruals ADD COLUMN prev_hash TEXT;
ALTER TABLE accruals ADD COLUMN hash TEXT;
ALTER TABLE draws ADD COLUMN seq INTEGER;
ALTER TABLE draws ADD COLUMN prev_hash TEXT;
ALTER TABLE draws ADD COLUMN hash TEXT;
ALTER TABLE draws ADD COLUMN reveal_seq INTEGER;
ALTER TABLE draws ADD COLUMN reveal_prev_hash TEXT;
ALTER TABLE draws ADD COLUMN reveal_hash TEXT;
-- The fill writes the links into rows the guards protect.
DROP TRIGGER accruals_no_update;
DROP TRIGGER draws_reveal_once;
