#!/usr/bin/env python3
"""The real-photo receipt corpus measured: chek against zxing-cpp per category.

    bench_real_report.py list DIR > LIST.jsonl        (DIR: materialised corpus with manifest.tsv)
    bench_real_report.py table DIR OURS.jsonl ZXING.jsonl

A read counts when the fiscal fields (fn, i, fp, s, t to the minute) equal the manifest's truth,
whether that truth came from a decoder (`qr`) or from a person reading the printed lines
(`person`). A fiscal result on a negative, or with fields other than the truth, is a misread.
On `unknown` photos (fiscal receipts whose truth is out of frame) a read is counted apart.
"""
import json
import os
import statistics
import sys


def manifest(d):
    with open(os.path.join(d, "manifest.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, l.rstrip("\n").split("\t"))) for l in f]


def fields(text):
    """The comparable fields of a fiscal QR text, or None when it is not one."""
    try:
        kv = dict(p.split("=", 1) for p in text.split("&"))
        return (int(kv["fn"]), int(kv["i"]), int(kv["fp"]), round(float(kv["s"]) * 100), kv["t"][:13])
    except (KeyError, ValueError):
        return None


def truth(row):
    if row["truth"] not in ("qr", "person"):
        return None
    return (int(row["fn"]), int(row["fd"]), int(row["fp"]), round(float(row["s"]) * 100), row["t"][:13])


def verdict(row, texts):
    """'read', 'miss', 'misread' or, on unknown-truth photos, 'read?'."""
    fiscal = [f for f in (fields(t) for t in texts if t) if f]
    if row["truth"] == "none":
        return "misread" if fiscal else "ok"
    if row["truth"] == "unknown":
        return "read?" if fiscal else "miss"
    want = truth(row)
    if any(f == want for f in fiscal):
        return "read"
    return "misread" if fiscal else "miss"


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def table(d, ours_path, zx_path):
    rows = {os.path.join(d, r["id"]): r for r in manifest(d)}
    ours = {json.loads(l)["path"]: json.loads(l) for l in open(ours_path, encoding="utf-8")}
    zx = {json.loads(l)["path"]: json.loads(l) for l in open(zx_path, encoding="utf-8")}
    cats = {}
    times_o, times_z = [], []
    for path, row in rows.items():
        o, z = ours.get(path), zx.get(path)
        if o is None or z is None or "error" in o or "error" in z:
            print(f"  skipped {row['id']}: not measured")
            continue
        vo = verdict(row, [o.get("fiscal_text") or ""])
        vz = verdict(row, z.get("zx_texts", []))
        c = cats.setdefault(row["category"], {"n": 0, "truth": row["truth"], "ours": 0, "zx": 0,
                                              "ours_bad": 0, "zx_bad": 0, "hints": {}})
        c["n"] += 1
        c["ours"] += vo in ("read", "read?", "ok")
        c["zx"] += vz in ("read", "read?", "ok")
        c["ours_bad"] += vo == "misread"
        c["zx_bad"] += vz == "misread"
        if vo in ("miss", "ok") and row["truth"] != "none" or row["truth"] == "none":
            for code in o.get("diagnostics", []):
                c["hints"][code] = c["hints"].get(code, 0) + 1
        times_o.append(o["ours_ms"])
        times_z.append(z["zx_ms"] + z["pil_load_ms"])
        if vo != vz:
            print(f"  {row['id']} ({row['category']}): chek {vo}, zxing-cpp {vz}; chek hints {o.get('diagnostics')}")
    print(f"\n{'category':<16}{'truth':<8}{'n':>3}{'chek':>6}{'zxing':>7}{'misread c/z':>13}  chek hints when unread")
    tot = {"n": 0, "ours": 0, "zx": 0, "ours_bad": 0, "zx_bad": 0}
    for name in sorted(cats, key=lambda k: (cats[k]["truth"] == "none", cats[k]["truth"], k)):
        c = cats[name]
        hints = ", ".join(f"{k} {v}" for k, v in sorted(c["hints"].items(), key=lambda kv: -kv[1]))
        print(f"{name:<16}{c['truth']:<8}{c['n']:>3}{c['ours']:>6}{c['zx']:>7}{c['ours_bad']:>7}/{c['zx_bad']:<5}  {hints}")
        for k in tot:
            tot[k] += c[k]
    known = [c for c in cats.values() if c["truth"] in ("qr", "person")]
    kn = sum(c["n"] for c in known)
    print(f"known-truth receipts: chek {sum(c['ours'] for c in known)}/{kn}, "
          f"zxing-cpp {sum(c['zx'] for c in known)}/{kn}; "
          f"negatives kept clean: chek {sum(c['ours'] for c in cats.values() if c['truth'] == 'none')}, "
          f"zxing-cpp {sum(c['zx'] for c in cats.values() if c['truth'] == 'none')} of "
          f"{sum(c['n'] for c in cats.values() if c['truth'] == 'none')}; "
          f"misreads chek {tot['ours_bad']}, zxing-cpp {tot['zx_bad']}")
    mo, mz = statistics.median(times_o), statistics.median(times_z)
    print(f"end to end (file bytes to result), median: chek {mo:.1f} ms, zxing-cpp (Pillow open+L + read) "
          f"{mz:.1f} ms, ratio {mo / mz:.2f}x; p90 {pct(times_o, 90):.1f} vs {pct(times_z, 90):.1f} ms")


def main():
    if sys.argv[1] == "list":
        for r in manifest(sys.argv[2]):
            print(json.dumps({"corpus": "real-receipts", "path": os.path.join(sys.argv[2], r["id"]),
                              "expected": r["qr"], "kind": r["category"], "diagnostic": ""},
                             ensure_ascii=False))
    else:
        table(sys.argv[2], sys.argv[3], sys.argv[4])


if __name__ == "__main__":
    main()
