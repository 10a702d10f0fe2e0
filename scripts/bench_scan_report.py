#!/usr/bin/env python3
"""Builds the image list for the scan benchmark and prints the side-by-side table.

    bench_scan_report.py list QR_REAL_DIR SYNTH_DIR [HARD_DIR] > LIST.jsonl
    bench_scan_report.py table OURS.jsonl ZXING.jsonl
"""
import json
import os
import statistics
import sys

IMAGE_EXT = (".png", ".jpg", ".jpeg", ".webp")


def build_list(qr_real, synth, hard=None):
    for root, _, files in sorted(os.walk(qr_real)):
        for f in sorted(files):
            stem, ext = os.path.splitext(f)
            txt = os.path.join(root, stem + ".txt")
            if ext.lower() in IMAGE_EXT and os.path.exists(txt):
                with open(txt, encoding="utf-8", newline="") as t:
                    expected = t.read()
                print(json.dumps({"corpus": "qr-real", "path": os.path.join(root, f), "expected": expected}))
    for corpus, d in (("synthetic", synth), ("synthetic-hard", hard)):
        if d is None:
            continue
        with open(os.path.join(d, "manifest.tsv"), encoding="utf-8") as m:
            next(m)
            for line in m:
                name, expected, kind, diag = line.rstrip("\n").split("\t")
                print(json.dumps({"corpus": corpus, "path": os.path.join(d, name), "expected": expected,
                                  "kind": kind, "diagnostic": diag}))


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def table(ours_path, zx_path):
    zx = {}
    for line in open(zx_path, encoding="utf-8"):
        r = json.loads(line)
        zx[r["path"]] = r
    rows = [json.loads(l) for l in open(ours_path, encoding="utf-8")]
    rows = [r for r in rows if "error" not in r and r["path"] in zx and "error" not in zx[r["path"]]]
    for corpus in ("qr-real", "synthetic", "synthetic-hard"):
        rs = [r for r in rows if r["corpus"] == corpus]
        if not rs:
            continue
        n = len(rs)
        print(f"\n{corpus}: {n} images")
        print(f"{'decoder':<40}{'decoded':>10}{'rate':>8}{'median ms':>11}{'p90 ms':>9}")
        lines = [
            ("ours, from file bytes (incl. decode)", "ours_ok", "ours_ms", rs),
            ("ours, on decoded pixels", "ours_detect_ok", "ours_detect_ms", rs),
            ("plain rxing (try-harder)", "plain_ok", "plain_ms", rs),
            ("zxing-cpp 3.1.1 (QR only)", "zx_ok", "zx_ms", [zx[r["path"]] for r in rs]),
        ]
        figures = {}
        for name, ok, ms, src in lines:
            k = sum(1 for r in src if r[ok])
            med, p90 = pct([r[ms] for r in src], 50), pct([r[ms] for r in src], 90)
            figures[ok] = (k, med, p90)
            print(f"{name:<40}{k:>6}/{n:<3}{100 * k / n:>7.1f}%{med:>11.1f}{p90:>9.1f}")
        zk, zmed, _ = figures["zx_ok"]
        ok_, omed, _ = figures["ours_detect_ok"]
        ek, emed, _ = figures["ours_ok"]
        print(f"ratios vs zxing-cpp: decoded {ok_ / max(zk, 1):.3f}× ; median time on pixels "
              f"{omed / zmed:.2f}×")
        both = [r["ours_ms"] for r in rs]
        zboth = [zx[r["path"]]["zx_ms"] + zx[r["path"]]["pil_load_ms"] for r in rs]
        print(f"end to end, both including file decode (ours: bytes -> scan; zxing-cpp: Pillow open+L + read): "
              f"median {pct(both, 50):.1f} vs {pct(zboth, 50):.1f} ms ({pct(both, 50) / pct(zboth, 50):.2f}×), "
              f"p90 {pct(both, 90):.1f} vs {pct(zboth, 90):.1f} ms")
        loads = [r["load_ms"] for r in rs]
        pil = [zx[r["path"]]["pil_load_ms"] for r in rs]
        ol = [r["ours_load_ms"] for r in rs]
        print(f"file decode to grayscale, median: ours (zune-jpeg luma-only for JPEG) {pct(ol, 50):.1f} ms, "
              f"image crate {pct(loads, 50):.1f} ms, Pillow {pct(pil, 50):.1f} ms")
        big = [r for r in rs if r["w"] * r["h"] >= 10_000_000 and r["path"].endswith(".jpg")]
        if big:
            print(f"12 MP JPEG ({len(big)} images) file decode (the floor), median: ours "
                  f"{pct([r['ours_load_ms'] for r in big], 50):.1f} ms, image crate "
                  f"{pct([r['load_ms'] for r in big], 50):.1f} ms, Pillow "
                  f"{pct([zx[r['path']]['pil_load_ms'] for r in big], 50):.1f} ms; ours end to end "
                  f"{pct([r['ours_ms'] for r in big], 50):.1f} ms, ours on pixels "
                  f"{pct([r['ours_detect_ms'] for r in big], 50):.1f} ms, zxing-cpp detect "
                  f"{pct([zx[r['path']]['zx_ms'] for r in big], 50):.1f} ms; read "
                  f"ours {sum(r['ours_ok'] for r in big)}, zxing-cpp {sum(zx[r['path']]['zx_ok'] for r in big)} of {len(big)}")
        passes = {}
        for r in rs:
            if r.get("pass"):
                passes[r["pass"]] = passes.get(r["pass"], 0) + 1
        if passes:
            print("fiscal QR read by pass: " + ", ".join(f"{k} {v}" for k, v in passes.items()))
        if corpus.startswith("synthetic"):
            by_kind = {}
            for r in rs:
                z = zx[r["path"]]["zx_ok"]
                d = by_kind.setdefault(r["kind"], [0, 0, 0, 0])
                d[0] += 1
                d[1] += r["ours_ok"]
                d[2] += r["plain_ok"]
                d[3] += z
            print("by damage (n ours/plain/zxing): " + "; ".join(
                f"{k} {v[0]}:{v[1]}/{v[2]}/{v[3]}" for k, v in by_kind.items()))
            diag = [r for r in rs if r.get("expected_diag")]
            hit = sum(1 for r in diag if r["expected_diag"] in r["diagnostics"])
            print(f"diagnostics: expected code raised on {hit}/{len(diag)} unreadable photos")
            for r in diag:
                if r["expected_diag"] not in r["diagnostics"]:
                    print(f"  missed {os.path.basename(r['path'])}: want {r['expected_diag']}, got {r['diagnostics']}")
            false = [r for r in rs if not r.get("expected_diag") and not r["ours_ok"]]
            for r in false:
                print(f"  unread {os.path.basename(r['path'])}: {r['diagnostics']}")


if __name__ == "__main__":
    if sys.argv[1] == "list":
        build_list(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        table(sys.argv[2], sys.argv[3])
