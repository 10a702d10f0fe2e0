"""`chek.draw`, `chek.verify_draw`, `chek.seed_commitment`, `chek.lots_hash`, `chek.parse_lots`
against the independent test vectors in docs/draw-v1-vectors.json."""

from __future__ import annotations

import json
from typing import Any

import pytest

import chek
from helpers import REPO

VECTORS: list[dict[str, Any]] = json.loads((REPO / "docs" / "draw-v1-vectors.json").read_text())["vectors"]
SEED = bytes(range(16))
LOTS = {"alice": 5, "bob": 1, "carol": 3}


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vectors(v: dict[str, Any]) -> None:
    lots = [(e["participant"], e["lots"]) for e in v["lots"]]
    r = chek.draw(lots, seed=v["seed"], beacon=v["beacon"], prizes=v["prizes"], excluded=v["excluded"])
    assert [w.to_dict() for w in r.winners] == v["winners"]
    assert (r.seed_commitment, r.lots_hash, r.exclusions_hash) == (
        v["seed_commitment"],
        v["lots_hash"],
        v["exclusions_hash"],
    )
    assert chek.seed_commitment(v["seed"]) == v["seed_commitment"]
    assert chek.seed_commitment(bytes.fromhex(v["seed"])) == v["seed_commitment"]
    assert chek.lots_hash(lots) == v["lots_hash"]
    chek.verify_draw(r, lots)


def test_draw_result() -> None:
    r = chek.draw(LOTS, seed=SEED, beacon=b"drand-round-123", prizes=2)
    assert r.algorithm == "chek-draw-v1"
    assert (r.prizes, r.entries, r.total_lots, r.excluded) == (2, 3, 9, [])
    assert r.seed == SEED.hex() and r.beacon == b"drand-round-123".hex()
    w = r.winners
    assert [x.prize for x in w] == [1, 2] and w[0].participant != w[1].participant
    assert all(LOTS[x.participant] == x.lots for x in w)
    assert repr(w[0]).startswith("Winner(prize=1, participant=")
    assert repr(r).startswith("DrawResult(prizes=2, entries=3, total_lots=9")
    # Deterministic, and the same through every lots form.
    assert chek.draw(list(LOTS.items()), seed=SEED, beacon=b"drand-round-123", prizes=2) == r
    assert chek.draw("alice,5\nbob,1\ncarol,3\n", seed=SEED.hex(), beacon=b"drand-round-123".hex(), prizes=2) == r
    # Published and re-read.
    again = chek.DrawResult.from_json(r.to_json())
    assert again == r and chek.DrawResult.from_json(r.to_dict()) == r
    chek.verify_draw(r.to_json(), LOTS)
    excl = chek.draw(LOTS, seed=SEED, beacon=b"drand-round-123", prizes=2, excluded=[w[0].participant])
    assert w[0].participant not in [x.participant for x in excl.winners]
    assert excl.excluded == [w[0].participant]


def test_a_changed_list_fails_verification() -> None:
    r = chek.draw(LOTS, seed=SEED, beacon=b"b", prizes=1)
    with pytest.raises(chek.DrawError) as info:
        chek.verify_draw(r, {**LOTS, "bob": 2})
    assert info.value.code == "draw.mismatch"
    assert info.value.details["what"] == "lots_hash"
    assert info.value.hints["en"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"lots": LOTS, "seed": b"short", "beacon": b"b", "prizes": 1}, "draw.bad_parameters"),
        ({"lots": LOTS, "seed": SEED, "beacon": b"", "prizes": 1}, "draw.bad_parameters"),
        ({"lots": LOTS, "seed": SEED, "beacon": b"b", "prizes": 0}, "draw.bad_parameters"),
        ({"lots": {"alice": 0}, "seed": SEED, "beacon": b"b", "prizes": 1}, "draw.zero_lots"),
        ({"lots": [("a", 1), ("a", 2)], "seed": SEED, "beacon": b"b", "prizes": 1}, "draw.duplicate_participant"),
        ({"lots": {"": 1}, "seed": SEED, "beacon": b"b", "prizes": 1}, "draw.bad_participant"),
        ({"lots": "alice;5\n", "seed": SEED, "beacon": b"b", "prizes": 1}, "draw.bad_list"),
    ],
)
def test_draw_errors(kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(chek.DrawError) as info:
        chek.draw(**kwargs)
    assert info.value.code == code


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        chek.draw(LOTS, seed="not hex", beacon=b"b", prizes=1)
    with pytest.raises(TypeError):
        chek.draw(42, seed=SEED, beacon=b"b", prizes=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        chek.DrawResult.from_json("{}")


def test_parse_lots() -> None:
    assert chek.parse_lots("participant,lots\nalice,3\n# note\nbob,1\n") == [("alice", 3), ("bob", 1)]
    assert chek.parse_lots('[{"participant": "a", "lots": 2}]') == [("a", 2)]
    with pytest.raises(chek.DrawError):
        chek.parse_lots("alice\n")
