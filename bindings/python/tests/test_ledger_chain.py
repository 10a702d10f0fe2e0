"""The ledger's hash chain from Python: `Ledger.verify_chain()` and `Ledger.chain_head()` on a
ledger written by `chek.Engine`, then edited with SQL behind chek's back (docs/ledger-chain.md)."""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import pytest

import chek
from helpers import REPO

CAMPAIGN = (REPO / "examples" / "demo" / "campaign.toml").read_text(encoding="utf-8")
CAMPAIGN_ID = "demo-november-2026"
NOW = datetime.datetime(2026, 11, 23, 12, 0, 0)


def qr(i: int) -> str:
    return f"t=20261105T1830&s=1530.00&fn=7281440500751551&i={i}&fp={i}&n=1"


def ledger_with(tmp_path: Path, receipts: int) -> tuple[chek.Ledger, str]:
    path = str(tmp_path / "l.sqlite")
    ledger = chek.Ledger(path)
    e = chek.Engine(CAMPAIGN, ledger)
    for i in range(1, receipts + 1):
        assert e.submit(f"tg:{i % 2}", qr=qr(i), received_at=NOW).status == "accepted"
    return ledger, path


def edit(path: str, sql: str) -> None:
    """SQL around chek, with the append-only guards dropped first (as an attacker would)."""
    con = sqlite3.connect(path)
    con.executescript(
        "DROP TRIGGER accruals_no_update; DROP TRIGGER accruals_no_delete; " + sql
    )
    con.commit()
    con.close()


def accrual_id(path: str, seq: int) -> int:
    con = sqlite3.connect(path)
    (rowid,) = con.execute("SELECT id FROM accruals WHERE seq = ?", (seq,)).fetchone()
    con.close()
    return int(rowid)


def test_intact_chain_reports_its_head(tmp_path: Path) -> None:
    ledger, _ = ledger_with(tmp_path, 3)
    r = ledger.verify_chain()
    assert r.intact and r.broken is None
    assert r.rows == 3
    (c,) = r.chains
    assert (c.campaign, c.links) == (CAMPAIGN_ID, 3)
    assert len(c.head) == 64 and int(c.head, 16) >= 0
    head = ledger.chain_head(CAMPAIGN_ID)
    assert head == c and hash(head) == hash(c)
    assert r.to_dict() == {
        "intact": True,
        "rows": 3,
        "chains": [{"campaign": CAMPAIGN_ID, "links": 3, "head": c.head}],
        "broken": None,
    }
    assert c.to_dict() == {"campaign": CAMPAIGN_ID, "links": 3, "head": c.head}
    assert repr(r) == "ChainReport(intact=True, rows=3, chains=1)"
    r.raise_if_broken()
    # A campaign without links: an empty chain, intact; no head recorded yet.
    (empty,) = ledger.verify_chain(campaign="nobody").chains
    assert (empty.links, empty.head) == (0, "0" * 64)
    assert ledger.chain_head("nobody") is None
    # Each accepted receipt moves the head.
    chek.Engine(CAMPAIGN, ledger).submit("tg:9", qr=qr(99), received_at=NOW)
    after = ledger.chain_head(CAMPAIGN_ID)
    assert after is not None and after.links == 4 and after.head != c.head


def test_an_edited_amount_is_the_break(tmp_path: Path) -> None:
    ledger, path = ledger_with(tmp_path, 4)
    edit(path, "UPDATE accruals SET lots = lots + 10 WHERE seq = 3;")
    r = ledger.verify_chain(campaign=CAMPAIGN_ID)
    assert not r.intact and r.chains == [] and r.rows == 3
    b = r.broken
    assert b is not None
    assert (b.code, b.campaign, b.table, b.key, b.seq, b.problem) == (
        "store.chain_broken",
        CAMPAIGN_ID,
        "accruals",
        f"id {accrual_id(path, 3)}",
        3,
        "hash_mismatch",
    )
    assert b.expected.startswith("hash ") and b.found.startswith("hash ")
    assert b.key in b.message and "hash_mismatch" in b.message
    assert b.to_dict()["problem"] == "hash_mismatch"
    assert r.to_dict()["broken"] == b.to_dict()
    with pytest.raises(chek.EngineError) as e:
        r.raise_if_broken()
    assert e.value.code == "store.chain_broken"
    assert "operator" in e.value.hints["en"]


def test_a_deleted_row_is_found_after_the_gap(tmp_path: Path) -> None:
    ledger, path = ledger_with(tmp_path, 4)
    after_gap = accrual_id(path, 3)
    edit(path, "DELETE FROM accruals WHERE seq = 2;")
    b = ledger.verify_chain().broken
    assert b is not None
    assert (b.problem, b.key, b.seq) == ("missing_link", f"id {after_gap}", 3)
    assert b.expected == "position 2"


def test_a_deleted_last_row_breaks_the_head(tmp_path: Path) -> None:
    ledger, path = ledger_with(tmp_path, 2)
    edit(path, "DELETE FROM accruals WHERE seq = 2;")
    b = ledger.verify_chain().broken
    assert b is not None
    assert (b.problem, b.table, b.key) == ("head_mismatch", "chain_heads", CAMPAIGN_ID)
