#!/usr/bin/env python3
"""Deterministic renders of a receipt's printed fiscal block (no QR), for the OCR tests of
chek-scan's `ocr` feature.

Each image is the text block of `docs/fiscal.md` §5 (seller, items, ИТОГ, ЗН/РН ККТ, ИНН, ФН,
ФД, ФП, operation and date) in DejaVu Sans Mono (Debian `fonts-dejavu-core`), Cyrillic, with
the fiscal values of a real receipt from `fixtures/qr-strings.txt`. Kinds:

- `clean`: sharp print, two label layouts (`ИТОГ =` / `ФП` / dd.mm.yy and `ИТОГО:` / `ФПД:` /
  dd.mm.yyyy); `clean_small` is the same at about 11 px text, which the OCR preprocessing must
  enlarge.
- `thermal`: mild thermal-print damage: faded ink, uneven paper, a little blur, noise and tilt;
  `thermal_small` the same on 11 px text.
- `wiped`: the ФП, ИТОГ and БЕЗНАЛИЧНЫМИ lines faded to nothing (a rubbed receipt): the
  reading must say those fields are missing.

`manifest.tsv` lists per file: kind, fn, fd, fp, datetime (YYYY-MM-DDTHH:MM), total in kopecks,
and the fields that must be reported missing (comma-separated, may be empty).

    scripts/gen_receipt_texts.py OUT_DIR [--seed S]
"""

import argparse
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("CHEK_SHARED", os.path.join(HERE, "..", "..", "shared"))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

# (kind, layout) per image; the order is part of the test contract (file names).
PLAN = [
    ("clean", "a"),
    ("clean", "b"),
    ("clean", "a"),
    ("clean_small", "b"),
    ("thermal", "a"),
    ("thermal", "b"),
    ("wiped", "a"),
    ("thermal", "b"),
    ("thermal", "a"),
    ("thermal_small", "a"),
    ("thermal_small", "b"),
]
ITEMS = ["Молоко 3,2% 1л", "Хлеб Бородинский", "Сыр Российский", "Кофе молотый 250г",
         "Яблоки Гала", "Вода питьевая 1,5л", "Шоколад горький"]
WIDTH_CHARS = 40


def fiscal_strings():
    path = os.path.join(SHARED, "fixtures", "qr-strings.txt")
    with open(path, encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    out = []
    for l in lines:
        kv = dict(p.split("=", 1) for p in l.split("&") if "=" in p)
        if all(k in kv for k in ("t", "s", "fn", "i", "fp")) and kv.get("n") == "1":
            out.append(kv)
    return out


def money(kop):
    return f"{kop // 100}.{kop % 100:02d}"


def pad(left, right):
    gap = max(1, WIDTH_CHARS - len(left) - len(right))
    return left + " " * gap + right


def receipt_lines(rng, kv, layout):
    """The printed lines, and the rows of the ФП and total lines (for the `wiped` kind)."""
    total = round(float(kv["s"]) * 100)
    t = kv["t"]
    y, mo, d, hh, mm = t[0:4], t[4:6], t[6:8], t[9:11], t[11:13]
    first = rng.randint(total // 4, max(total // 4, total * 3 // 4)) if total > 1 else total
    items = [(rng.choice(ITEMS), first), (rng.choice(ITEMS), total - first)]
    lines = ["ООО «РОМАШКА»", "КАССОВЫЙ ЧЕК / ПРИХОД"]
    for n, (name, kop) in enumerate(items, 1):
        lines.append(f"{n} {name}")
        lines.append(pad("", f"{money(kop)}*1шт. ={money(kop)}"))
        lines.append("НДС 20%")
    marks = {}
    marks["total"] = [len(lines), len(lines) + 1]
    lines.append(pad("ИТОГ", f"={money(total)}") if layout == "a" else pad("ИТОГО:", money(total)))
    lines.append(pad("БЕЗНАЛИЧНЫМИ", f"={money(total)}"))
    lines.append("Кассир Иванова А.")
    lines.append("Место расчетов Магазин")
    lines.append(pad("ЗН ККТ", "00106304241645") if layout == "a" else pad("ЗАВОД. №:", "00106304241645"))
    lines.append(pad("РН ККТ", "0000373856050035") if layout == "a" else pad("РЕГ.НОМЕР ККТ:", "0000373856050035"))
    lines.append(pad("ИНН", "7725699808"))
    lines.append(pad("ФН", kv["fn"]) if layout == "a" else pad("ФН:", kv["fn"]))
    lines.append(pad("ФД", kv["i"]) if layout == "a" else pad("ФД:", kv["i"]))
    marks["fp"] = [len(lines)]
    lines.append(pad("ФП", kv["fp"]) if layout == "a" else pad("ФПД:", kv["fp"]))
    date = f"{d}.{mo}.{y[2:]}" if layout == "a" else f"{d}.{mo}.{y}"
    lines.append(pad("ПРИХОД", f"{date} {hh}:{mm}"))
    return lines, marks, total, f"{y}-{mo}-{d}T{hh}:{mm}"


def render(lines, size):
    font = ImageFont.truetype(FONT, size)
    line_h = int(size * 1.45)
    char_w = font.getlength("М")
    margin = size * 2
    w = int(char_w * WIDTH_CHARS + 2 * margin)
    h = line_h * len(lines) + 2 * margin
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        d.text((margin, margin + i * line_h), line, fill=20, font=font)
    return img, line_h, margin


def thermal(img, rng, fade):
    """Faded ink on uneven paper, a little blur, sensor noise and a small tilt."""
    img = img.filter(ImageFilter.GaussianBlur(0.7))
    arr = np.asarray(img, dtype=np.float32) / 255.0
    h, w = arr.shape
    ink = 1.0 - arr
    arr = 1.0 - ink * fade
    yy, xx = np.mgrid[0:h, 0:w]
    paper = 0.93 + 0.05 * np.sin(xx / w * 3.0 + rng.random()) * np.cos(yy / h * 2.0)
    arr = arr * paper
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    arr = arr + nrng.normal(0.0, 0.03, arr.shape)
    out = Image.fromarray((np.clip(arr, 0, 1) * 255).astype(np.uint8), "L")
    return out.rotate(rng.uniform(-1.2, 1.2), resample=Image.BICUBIC, fillcolor=235)


def wipe(img, line_h, margin, rows):
    """Rubs the given text rows almost white, as on a receipt carried in a pocket."""
    arr = np.asarray(img, dtype=np.float32)
    for r in rows:
        y0 = margin + r * line_h
        band = arr[y0:y0 + line_h]
        arr[y0:y0 + line_h] = 255 - (255 - band) * 0.04
    return Image.fromarray(arr.astype(np.uint8), "L")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=4)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    strings = fiscal_strings()
    rows = ["file\tkind\tfn\tfd\tfp\tdatetime\ttotal_kopecks\tmust_miss"]
    for i, (kind, layout) in enumerate(PLAN):
        kv = strings[rng.randrange(len(strings))]
        lines, marks, total, dt = receipt_lines(rng, kv, layout)
        size = 11 if kind.endswith("_small") else 22
        img, line_h, margin = render(lines, size)
        miss = ""
        if kind.startswith("thermal"):
            img = thermal(img, rng, fade=0.55)
        elif kind == "wiped":
            img = wipe(img, line_h, margin, marks["fp"] + marks["total"])
            img = thermal(img, rng, fade=0.7)
            miss = "fp,total"
        name = f"{i:02d}-{kind}.png"
        img.save(os.path.join(a.out, name), optimize=False)
        rows.append("\t".join([name, kind, kv["fn"], kv["i"], kv["fp"], dt, str(total), miss]))
    with open(os.path.join(a.out, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
