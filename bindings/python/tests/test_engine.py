"""`chek.Engine` over a `chek.Ledger`: every input kind, offline labelling, idempotency,
conflicts, re-checks offline, segments, the report and a recorded draw; errors as exceptions."""

from __future__ import annotations

import datetime
import hashlib
import threading
from pathlib import Path

import pytest

import chek
from helpers import REPO, qr_png

DEMO = REPO / "examples" / "demo"
CAMPAIGN = (DEMO / "campaign.toml").read_text(encoding="utf-8")
QR = "t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1"
NOW = datetime.datetime(2026, 11, 23, 12, 0, 0)


def engine() -> chek.Engine:
    return chek.Engine(CAMPAIGN, chek.Ledger(":memory:"))


def test_offline_qr_is_accepted_and_labelled_unverified() -> None:
    e = engine()
    assert e.offline
    assert e.campaign_id == "demo-november-2026"
    o = e.submit("anna", qr=QR, received_at=NOW)
    assert o.status == "accepted"
    assert o.lots == 3
    assert o.receipt == "7281440500751551:30611:2845710362"
    assert not o.verified
    assert o.verification["mode"] == "offline"
    assert o.verification["state"] == "unverified"
    assert "НЕ ПРОВЕРЕН" in o.text()
    d = o.to_dict()
    assert d["status"] == "accepted" and d["lots"] == 3 and d["input"] == "qr"
    assert repr(o) == "Outcome(status='accepted', lots=3, receipt='7281440500751551:30611:2845710362', codes=['campaign.lots_earned'])"

    again = e.submit("anna", qr=QR, received_at=NOW)
    assert again.status == "rejected"
    assert "campaign.duplicate" in again.codes
    assert again.lots == 0


def test_idempotency_key_replays() -> None:
    e = engine()
    first = e.submit("anna", qr=QR, idempotency_key="m-1", received_at=NOW)
    second = e.submit("anna", qr=QR, idempotency_key="m-1", received_at=NOW)
    assert not first.replayed and second.replayed
    assert second.status == "accepted"
    assert e.report().lots == 3


def test_every_input_kind(tmp_path: Path) -> None:
    e = chek.Engine(CAMPAIGN, chek.Ledger(str(tmp_path / "l.sqlite")))
    photo = DEMO / "photos" / "01-receipt.jpg"
    assert e.submit("anna", photo=photo, received_at=NOW).status == "accepted"
    assert e.submit("anna", photo=photo.read_bytes(), received_at=NOW).status == "rejected"
    failed = e.submit("anna", photo=qr_png("https://example.com"), received_at=NOW)
    assert failed.status == "failed"
    assert failed.codes[0].startswith("scan.") or failed.codes[0].startswith("qr.")
    ocr = e.submit("anna", ocr_text=(DEMO / "receipt-ocr.txt").read_text("utf-8"), received_at=NOW)
    assert ocr.status == "accepted" and ocr.to_dict()["channel"] == "ocr"
    manual = e.submit(
        "anna",
        manual="фн 7281440500751551 фд 30700 фп 1234567890 21.11.26 14:05 1250,00",
        lang="en",
        received_at=NOW,
    )
    assert manual.status == "pending_recheck"
    assert manual.next_at == NOW
    assert manual.reasons[0]["code"] == "campaign.manual_entry"
    assert "ФНС" in manual.reasons[0]["hint"] and "typed" in manual.reasons[0]["hint"]
    due = e.due_rechecks(now=NOW)
    assert [str(d.receipt) for d in due] == [manual.receipt]
    assert (due[0].participant, due[0].channel, due[0].next_at) == ("anna", "manual", NOW)
    assert due[0].to_dict()["receipt"] == due[0].receipt.to_dict()
    assert e.recheck(now=NOW) == []  # offline: nobody to ask
    r = e.report()
    assert r.total.accepted == 2 and r.total.failed == 1
    assert r.to_dict()["total"] == r.total.to_dict()
    assert ledger_backend(tmp_path) == "sqlite"


def ledger_backend(tmp_path: Path) -> str:
    return chek.Ledger(str(tmp_path / "l.sqlite")).backend


def test_conflict_segment_and_languages() -> None:
    e = engine()
    e.submit("anna", qr=QR, received_at=NOW)
    o = e.submit("boris", qr=QR, lang="en", received_at=NOW)
    assert o.status == "awaiting_operator"
    assert o.reasons[0]["code"] == "campaign.conflict"
    assert o.reasons[0]["hint"].startswith("Another participant")
    members = e.segment("awaiting_operator")
    assert [(m.participant, m.lang) for m in members] == [("boris", "en")]
    assert members[0].since == NOW and members[0].receipt == o.receipt
    # to_dict() has the old keys, JSON-ready (the time as an ISO string).
    assert members[0].to_dict() == {"participant": "boris", "lang": "en", "receipt": o.receipt, "since": NOW.isoformat()}
    assert repr(members[0]) == f"SegmentMember(participant='boris', lang='en', receipt='{o.receipt}', since={NOW!r})"


def test_draw_is_recorded_against_the_commitment() -> None:
    e = engine()
    e.submit("anna", qr=QR, received_at=NOW)
    e.submit(
        "vera",
        qr="t=20261122T1105&s=1045.90&fn=7380440801185382&i=169611&fp=2377120954&n=1",
        received_at=NOW,
    )
    seed = bytes(range(16))
    start, end = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    after = datetime.datetime(2026, 12, 1, 12, 0)
    with pytest.raises(chek.EngineError) as err:
        e.draw("nov", start, end, seed=seed, beacon=b"b", prizes=2, now=after)
    assert err.value.code == "draw.not_committed"
    commit = dict(
        commitment=hashlib.sha256(seed).hexdigest(),
        beacon_source="drand-quicknet",
        beacon_round="14500000",
    )
    with pytest.raises(chek.EngineError) as err:
        e.commit_draw("nov", start, end, **commit, now=after)
    assert err.value.code == "draw.commit_too_late"
    e.commit_draw("nov", start, end, **commit, now=NOW)
    with pytest.raises(chek.EngineError) as err:
        e.commit_draw("nov-again", start, end, **commit, now=NOW)
    assert err.value.code == "store.conflict"
    e.commit_draw("nov-tv", start, end, **commit, prize_set="tv", now=NOW)
    with pytest.raises(chek.EngineError) as err:
        e.draw("nov", start, end, seed=seed, beacon=b"b", prizes=2, now=NOW)
    assert err.value.code == "draw.too_early"
    with pytest.raises(chek.EngineError) as err:
        e.draw("nov", start, end, seed=b"\xff" * 16, beacon=b"b", prizes=1, now=after)
    assert err.value.code == "draw.bad_parameters"
    r = e.draw("nov", start, end, seed=seed, beacon=b"b", prizes=2, now=after)
    assert isinstance(r, chek.DrawResult)
    assert r.total_lots == 5
    assert sorted(w.participant for w in r.winners) == ["anna", "vera"]
    chek.verify_draw(r, e.lots(start, end))
    assert e.lots(start, end) == [("anna", 3), ("vera", 2)]
    records = {d.period: d for d in e.draws()}
    assert set(records) == {"nov", "nov-tv"}
    nov = records["nov"]
    assert nov.result == r and nov.drawn_at == after and nov.recorded_at == NOW
    assert (nov.start, nov.end, nov.prize_set, nov.beacon_source) == (start, end, "main", "drand-quicknet")
    assert records["nov-tv"].result is None and records["nov-tv"].prize_set == "tv"
    assert nov.to_dict()["from"] == "2026-11-01" and nov.to_dict()["result"] == r.to_dict()


def test_errors() -> None:
    e = engine()
    with pytest.raises(chek.EngineError) as err:
        e.submit("", qr=QR, received_at=NOW)
    assert err.value.code == "engine.bad_participant"
    assert err.value.hints["en"]
    with pytest.raises(ValueError):
        e.submit("anna", received_at=NOW)
    with pytest.raises(ValueError):
        e.submit("anna", qr=QR, manual="x", received_at=NOW)
    with pytest.raises(chek.CampaignError):
        chek.Engine("id = ", chek.Ledger(":memory:"))
    with pytest.raises(chek.EngineError) as err:
        chek.Ledger("/nonexistent/dir/ledger.sqlite")
    assert err.value.code.startswith("store.")
    with pytest.raises(ValueError):
        chek.Engine(CAMPAIGN, chek.Ledger(":memory:"), provider="fns")


def test_threads_share_one_engine() -> None:
    e = engine()
    results: list[str] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        o = e.submit(f"p{i}", qr=QR, received_at=NOW)
        with lock:
            results.append(o.status)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("accepted") == 1
    assert results.count("awaiting_operator") == 7


def test_submit_batch_matches_one_by_one(tmp_path: Path) -> None:
    def qr(i: int) -> str:
        return f"t=20261105T1830&s=1530.00&fn=7281440500751551&i={i}&fp={i}&n=1"

    photo = tmp_path / "r.png"
    photo.write_bytes(qr_png(qr(99)))
    subs: list[dict[str, object]] = [
        {"participant": "anna", "qr": qr(1), "received_at": NOW},
        {"participant": "anna", "qr": qr(2), "received_at": NOW, "lang": "en"},
        {"participant": "anna", "qr": qr(1), "received_at": NOW},  # the same receipt again
        {"participant": "boris", "qr": "garbage", "received_at": NOW},
        {"participant": "", "qr": qr(3), "received_at": NOW},  # a bad participant id
        {"participant": "boris", "photo": str(photo), "received_at": NOW},
        {"participant": "boris", "qr": qr(4), "idempotency_key": "m1", "received_at": NOW},
        {"participant": "boris", "qr": qr(4), "idempotency_key": "m1", "received_at": NOW},
    ]
    batch = engine().submit_batch(subs)
    one = engine()
    expected: list[str] = []
    for s in subs:
        try:
            expected.append(one.submit(**s).status)  # type: ignore[arg-type]
        except chek.ChekError as err:
            expected.append(err.code)
    got = [r.status if isinstance(r, chek.Outcome) else r.code for r in batch]
    assert got == expected
    assert got == [
        "accepted",
        "accepted",
        "rejected",
        "failed",
        "engine.bad_participant",
        "accepted",
        "accepted",
        "accepted",
    ]
    assert isinstance(batch[4], chek.EngineError)
    assert isinstance(batch[7], chek.Outcome) and batch[7].replayed
    assert isinstance(batch[1], chek.Outcome) and batch[1].to_dict()["lang"] == "en"
    # A malformed dict fails the whole call before anything is settled.
    fresh = engine()
    with pytest.raises(ValueError):
        fresh.submit_batch([{"participant": "anna", "qr": QR}, {"participant": "anna"}])
    with pytest.raises(ValueError):
        fresh.submit_batch([{"participant": "anna", "qr": QR, "colour": "red"}])
    with pytest.raises(ValueError):
        fresh.submit_batch(["not a dict"])  # type: ignore[list-item]
    assert fresh.report().total.accepted == 0
    assert fresh.submit_batch([]) == []


def test_ledger_open_options(tmp_path: Path) -> None:
    # A typo does not create an empty ledger when create=False.
    missing = tmp_path / "typo.sqlit"
    with pytest.raises(chek.EngineError) as e:
        chek.Ledger(str(missing), create=False)
    assert e.value.code == "store.not_found"
    assert not missing.exists()
    # Another program's file is refused and left as it was.
    other = tmp_path / "notes.txt"
    other.write_text("not a database " * 20)
    with pytest.raises(chek.EngineError) as e:
        chek.Ledger(str(other))
    assert e.value.code == "store.foreign"
    assert other.read_text() == "not a database " * 20
    made = chek.Ledger(str(tmp_path / "l.sqlite"), busy_wait=5.0, statement_timeout=0.0)
    assert made.backend == "sqlite"
    assert chek.Ledger(str(tmp_path / "l.sqlite"), create=False).backend == "sqlite"
    with pytest.raises(ValueError):
        chek.Ledger(":memory:", busy_wait=-1.0)
    # A refused PostgreSQL login names no password.
    with pytest.raises(chek.EngineError) as e:
        chek.Ledger("postgres://u:S3CRET@127.0.0.1:1/db", connect_timeout=2.0)
    assert e.value.code == "store.open"
    assert "S3CRET" not in str(e.value)
