#!/usr/bin/env python3
"""Independent reference implementation of chek-ab-v1 (docs/ab-v1.md), hashlib only.

  python3 scripts/ab_v1_reference.py          writes docs/ab-v1-vectors.json
  python3 scripts/ab_v1_reference.py --check  recomputes every vector and fails on any difference
                                              (run by scripts/test; tests/tests/ab_v1.rs checks
                                              the same file against the Rust implementation)
"""
import hashlib
import json
import math
import sys

BUCKETS = 10_000
Z95 = 1.959963984540054
PATH = "docs/ab-v1-vectors.json"


def bucket(experiment: str, client: str) -> int:
    h = hashlib.sha256(b"chek-ab-v1\x00" + experiment.encode() + b"\x00" + client.encode()).digest()
    return int.from_bytes(h[:8], "big") % BUCKETS


def assign(variants, client_bucket):
    total = sum(w for _, w in variants)
    cumulative = 0
    for name, w in variants:
        cumulative += w
        if client_bucket < BUCKETS * cumulative // total:
            return name
    raise ValueError("no variant")


def wilson(k, n, z=Z95):
    if n == 0:
        return (0.0, 1.0)
    p = min(k, n) / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


CASES = [
    ("review-sms-2026-11", [("A", 1), ("B", 1)], [f"client-{i}" for i in range(1, 13)]),
    ("invite-wording", [("short", 1), ("friendly", 2), ("bonus-first", 7)],
     ["+79161234567", "+79990000000", "4600682000013", "tg:1001", "tg:1002", "vk:anna", "c", "C"]),
    ("отзыв-после-визита", [("контроль", 50), ("вариант-б", 50)],
     ["анна", "борис", "вера", "глеб", "дарья", "😀 emoji", "עברית RTL", "ﷺ"]),
    ("off-switch", [("off", 0), ("on", 1)], ["a", "b", "c", "d"]),
    ("lopsided", [("rare", 1), ("common", 1_000_000)], [f"u{i}" for i in range(8)]),
    ("single", [("only", 3)], ["x", "y"]),
]

WILSON = [(0, 0), (0, 10), (10, 10), (10, 100), (42, 317), (1, 1), (500, 1000), (3, 1_000_000)]


def build():
    out = {
        "algorithm": "chek-ab-v1",
        "description": "Test vectors of chek-ab-v1 (docs/ab-v1.md): bucket = first 8 bytes of "
        "SHA-256('chek-ab-v1' 0x00 experiment 0x00 client), big-endian, mod 10000; variant i holds "
        "buckets [floor(10000*C_i/W), floor(10000*C_{i+1}/W)). Wilson 95% intervals with "
        "z = 1.959963984540054 (compare with a tolerance of 1e-12). Written by "
        "scripts/ab_v1_reference.py, checked by it (--check) and by tests/tests/ab_v1.rs.",
        "vectors": [],
        "wilson": [],
    }
    for name, variants, clients in CASES:
        rows = []
        for c in clients:
            b = bucket(name, c)
            rows.append({"client": c, "bucket": b, "variant": assign(variants, b)})
        out["vectors"].append({
            "experiment": name,
            "variants": [{"name": n, "weight": w} for n, w in variants],
            "assignments": rows,
        })
    for k, n in WILSON:
        lo, hi = wilson(k, n)
        out["wilson"].append({"converted": k, "exposed": n, "ci_low": lo, "ci_high": hi})
    return out


def main():
    want = build()
    if "--check" in sys.argv[1:]:
        with open(PATH, encoding="utf-8") as f:
            have = json.load(f)
        if have["vectors"] != want["vectors"]:
            sys.exit(f"{PATH}: assignments differ from the reference implementation")
        for h, w in zip(have["wilson"], want["wilson"], strict=True):
            if (h["converted"], h["exposed"]) != (w["converted"], w["exposed"]) or \
                    abs(h["ci_low"] - w["ci_low"]) > 1e-12 or abs(h["ci_high"] - w["ci_high"]) > 1e-12:
                sys.exit(f"{PATH}: Wilson interval differs: {h} vs {w}")
        n = sum(len(v["assignments"]) for v in want["vectors"])
        print(f"ab-v1 reference: {n} assignments and {len(want['wilson'])} intervals agree with {PATH}")
        return
    with open(PATH, "w", encoding="utf-8") as f:
        json.dump(want, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for v in want["vectors"]:
        print(v["experiment"], [(a["client"], a["bucket"], a["variant"]) for a in v["assignments"][:3]])


if __name__ == "__main__":
    main()
