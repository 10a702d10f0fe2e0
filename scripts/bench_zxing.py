#!/usr/bin/env python3
"""zxing-cpp's figures on the same images as scan_corpus (benchmark only, never a runtime
dependency): one JSON line per image with its decode and detect times in ms.

    bench_zxing.py LIST.jsonl
"""
import json
import sys
import time

import zxingcpp
from PIL import Image



def is_fiscal(text):
    return all(k + "=" in text for k in ("fn", "i", "fp"))


def main():
    for line in open(sys.argv[1], encoding="utf-8"):
        item = json.loads(line)
        t = time.perf_counter()
        try:
            img = Image.open(item["path"])
            img = img.convert("L")
        except Exception:
            print(json.dumps({"path": item["path"], "error": "undecodable"}))
            continue
        load_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        res = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
        ms = (time.perf_counter() - t) * 1000
        texts = [r.text for r in res]
        exp = item["expected"]
        ok = (not any(is_fiscal(x) for x in texts)) if exp == "" else exp in texts
        print(json.dumps({"path": item["path"], "zx_ok": ok, "zx_ms": ms, "pil_load_ms": load_ms,
                          "zx_texts": texts}))


if __name__ == "__main__":
    main()
