#!/usr/bin/env python3
"""The receipt photos of the demo (examples/demo/photos), drawn with the scan tests' generator.

Deterministic: re-running it rewrites the same files. Photos are scaled down to 800 px so the
demo data stays small; the QR stays comfortably readable.

    .venv/bin/python scripts/gen_demo_photos.py examples/demo/photos
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_receipt_photos as g  # noqa: E402

# (file, QR payload or None for a photo without a fiscal QR, damage kind)
PHOTOS = [
    ("01-receipt.jpg", "t=20261105T1830&s=1530.00&fn=7281440500751551&i=30611&fp=2845710362&n=1", "clean"),
    ("02-receipt.png", "t=20261112T0915&s=742.50&fn=9251440300046840&i=51207&fp=3310457791&n=1", "shadow"),
    ("03-no-qr.jpg", None, "no_qr"),
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for n, (name, text, kind) in enumerate(PHOTOS):
        rng = random.Random(20261123 + n)
        strings = [text or "t=20261101T1000&s=1.00&fn=7281440500751551&i=1&fp=1&n=1"]
        img, _, _, _ = g.make(0, kind, rng, strings)
        img = img.resize((800, 600))
        path = os.path.join(out, name)
        if name.endswith(".png"):
            img.convert("L").save(path, "PNG", optimize=True)
        else:
            img.save(path, "JPEG", quality=80)
        print(path, os.path.getsize(path), file=sys.stderr)


if __name__ == "__main__":
    main()
