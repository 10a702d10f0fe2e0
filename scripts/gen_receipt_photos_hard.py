#!/usr/bin/env python3
"""A second, independent generator of receipt photos, for the damage the first one
(`gen_receipt_photos.py`, which chek-scan was tuned on) does not draw hard enough: faded thermal
print with 15–30 grey levels of contrast on cream paper, glare over part of the code, small codes
(modules of 1.5–3 px), curled and crumpled paper, a code printed against the paper's edge, and the
negatives a campaign meets (a tips QR on a pre-bill, a receipt with no QR).

It shares nothing with the first generator but the fiscal strings: the receipt is drawn at
printer resolution with dot-matrix modules (round dots, uneven burn), the paper is warped by a
smooth random displacement field, the light is a sum of soft lamps, and the photo is resampled
through a homography by inverse mapping.

    scripts/gen_receipt_photos_hard.py OUT_DIR [--count N] [--seed S]

`manifest.tsv` has the same columns as the first generator's: file, expected fiscal text (empty
on the negatives and on the unreadable photos), category, and the diagnostic code an unreadable
photo must raise.
"""

import argparse
import math
import os
import random
import sys

import numpy as np
import segno
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("CHEK_SHARED", os.path.join(HERE, "..", "..", "shared"))

# Category -> diagnostic required when unreadable on purpose ("" = must read).
CATEGORIES = {
    "faded": "",
    "glare": "",
    "small": "",
    "curl": "",
    "crumple": "",
    "edge": "",
    "plain": "",
    "tips_qr": "scan.not_fiscal",
    "no_qr": "scan.no_qr",
    "glare_heavy": "scan.glare",
    "cut": "scan.qr_unreadable",
}
ORDER = ["faded", "glare", "small", "curl", "crumple", "edge", "faded", "small", "glare", "plain",
         "tips_qr", "no_qr", "glare_heavy", "cut", "crumple", "faded"]


def fiscal_strings():
    with open(os.path.join(SHARED, "fixtures", "qr-strings.txt"), encoding="utf-8") as f:
        return [l.strip() for l in f if "fn=" in l and "fp=" in l and not l.startswith("#")]


def dots(matrix, dot, rng):
    """Ink coverage (0..1) of a QR printed by a thermal head: each module a slightly round,
    unevenly burnt dot; `dot` pixels per module."""
    n = matrix.shape[0]
    size = n * dot
    yy, xx = np.mgrid[0:dot, 0:dot].astype(np.float32)
    c = (dot - 1) / 2
    # Square dots with burnt-in rounded corners: adjacent dark modules join up, as on paper.
    r = np.hypot(xx - c, yy - c) / (dot * 0.5)
    cell = np.clip(1.9 - r, 0.55, 1.0)
    out = np.zeros((size, size), np.float32)
    burn = np.random.default_rng(rng.randint(0, 2**31)).normal(1.0, 0.08, (n, n)).clip(0.7, 1.2)
    for y in range(n):
        for x in range(n):
            if matrix[y, x]:
                out[y * dot:(y + 1) * dot, x * dot:(x + 1) * dot] = np.maximum(
                    out[y * dot:(y + 1) * dot, x * dot:(x + 1) * dot], cell * burn[y, x])
    # Neighbouring dots merge: a module's dot bleeds a little into the next.
    return np.clip(out, 0, 1)


def text_lines(rng, width, height, dot):
    """Fake printed lines: rows of short dark dashes of glyph height."""
    ink = np.zeros((height, width), np.float32)
    line_h = dot * 5
    y = line_h
    while y + line_h < height:
        x = dot * 3
        while x < width - dot * 6:
            wlen = rng.randint(2, 9) * dot
            if rng.random() < 0.8:
                ink[y:y + int(line_h * 0.6), x:x + wlen] = rng.uniform(0.5, 0.9)
            x += wlen + dot * 2
        y += int(line_h * 1.4)
    return ink


def receipt(rng, text, dot, qr_side="centre", with_qr=True, extra=None):
    """Ink coverage of a receipt slip (paper coordinates) and the QR box (x, y, side)."""
    m = np.array([list(r) for r in segno.make(text, error="m", micro=False).matrix_iter(scale=1, border=0)], bool)
    q = m.shape[0] * dot
    width = int(q * rng.uniform(1.6, 2.2))
    top = rng.randint(8, 16) * dot * 7
    bottom = dot * rng.randint(6, 20)
    height = top + q + bottom
    ink = text_lines(rng, width, top, dot)
    ink = np.vstack([ink, np.zeros((q + bottom, width), np.float32)])
    if qr_side == "right_edge":
        x0 = width - q  # no quiet zone on the right: the code ends at the paper's edge
    elif qr_side == "bottom_edge":
        x0 = (width - q) // 2
        height = top + q
        ink = ink[:height]
    else:
        x0 = (width - q) // 2
    y0 = top
    if with_qr:
        ink[y0:y0 + q, x0:x0 + q] = dots(m, dot, rng)
    if extra is not None:
        m2 = np.array([list(r) for r in segno.make(extra, error="l").matrix_iter(scale=1, border=0)], bool)
        d2 = dots(m2, dot, rng)
        s2 = d2.shape[0]
        yy = max(0, y0 - s2 - dot * 8)
        ink[yy:yy + s2, (width - s2) // 2:(width - s2) // 2 + s2] = np.maximum(
            ink[yy:yy + s2, (width - s2) // 2:(width - s2) // 2 + s2], d2)
    return ink, (x0, y0, q)


def smooth_field(rng, h, w, cells, amp):
    """A smooth random displacement (dy, dx) in pixels: bilinear upsampling of a coarse grid."""
    g = np.random.default_rng(rng.randint(0, 2**31))
    coarse = g.normal(0, amp, (2, cells + 1, cells + 1)).astype(np.float32)
    ys = np.linspace(0, cells, h, dtype=np.float32)
    xs = np.linspace(0, cells, w, dtype=np.float32)
    y0 = np.minimum(ys.astype(int), cells - 1)
    x0 = np.minimum(xs.astype(int), cells - 1)
    fy = (ys - y0)[:, None]
    fx = (xs - x0)[None, :]
    out = []
    for c in coarse:
        a = c[y0][:, x0]
        b = c[y0][:, x0 + 1]
        cc = c[y0 + 1][:, x0]
        d = c[y0 + 1][:, x0 + 1]
        out.append(a * (1 - fy) * (1 - fx) + b * (1 - fy) * fx + cc * fy * (1 - fx) + d * fy * fx)
    return out


def sample(img, ys, xs, fill):
    """Bilinear sampling of img at float coordinates; outside is `fill`."""
    h, w = img.shape
    inside = (ys >= 0) & (ys <= h - 1) & (xs >= 0) & (xs <= w - 1)
    ys = ys.clip(0, h - 1.001)
    xs = xs.clip(0, w - 1.001)
    y0 = ys.astype(np.int32)
    x0 = xs.astype(np.int32)
    fy = ys - y0
    fx = xs - x0
    v = (img[y0, x0] * (1 - fy) * (1 - fx) + img[y0, x0 + 1] * (1 - fy) * fx
         + img[y0 + 1, x0] * fy * (1 - fx) + img[y0 + 1, x0 + 1] * fy * fx)
    return np.where(inside, v, fill), inside


def photograph(rng, ink, box, frame, qr_px, paper_level, ink_level, warp, curl_amp, offset, angle):
    """The slip seen by a phone: frame (w, h), the code about qr_px wide, rotated, warped."""
    fw, fh = frame
    h, w = ink.shape
    x0, y0, q = box
    s = q / qr_px  # paper pixels per frame pixel
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    cx = fw / 2 + offset[0] * fw
    cy = fh / 2 + offset[1] * fh
    dx, dy = xx - cx, yy - cy
    ca, sa = math.cos(angle), math.sin(angle)
    px = (dx * ca + dy * sa) * s + x0 + q / 2
    py = (-dx * sa + dy * ca) * s + y0 + q / 2
    if curl_amp:
        # The slip curls across its width: rows bend with the distance from the centre line.
        py = py + curl_amp * np.sin(np.pi * (px / max(w, 1))) * q / 40
        px = px + 0.3 * curl_amp * np.sin(2 * np.pi * py / max(h, 1)) * q / 40
    if warp:
        fy_, fx_ = smooth_field(rng, fh, fw, 6, warp * q / 40)
        py = py + fy_
        px = px + fx_
    cover, inside = sample(ink, py, px, 0.0)
    paper = paper_level - (paper_level - ink_level) * cover
    bg = rng.uniform(0.15, 0.5)
    img = np.where(inside, paper, bg)
    shade = np.ones_like(img)
    if warp:
        # Crumpled paper: facets catch the light differently.
        gy, gx = smooth_field(rng, fh, fw, 9, 1.0)
        shade = shade * (1 + 0.08 * gy)
    return img * shade, inside


def lamps(rng, h, w, n):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = np.full((h, w), rng.uniform(0.75, 1.0), np.float32)
    for _ in range(n):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.3, 0.9) * max(w, h)
        light += rng.uniform(-0.25, 0.2) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    return light.clip(0.35, 1.2)


def blur(arr, sigma):
    if sigma <= 0.2:
        return arr
    img = Image.fromarray((arr.clip(0, 1) * 255).astype(np.uint8))
    from PIL import ImageFilter
    return np.asarray(img.filter(ImageFilter.GaussianBlur(sigma)), np.float32) / 255.0


def make(i, cat, rng, strings):
    text = strings[(i * 7 + 3) % len(strings)]
    expected = text
    frame = (1280, 960) if rng.random() < 0.6 else (1600, 1200)
    qr_px = rng.uniform(180, 360)
    paper_level = rng.uniform(0.80, 0.93)
    ink_level = rng.uniform(0.08, 0.25)
    warp = curl_amp = 0.0
    angle = math.radians(rng.uniform(-8, 8))
    offset = (rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12))
    qr_side = "centre"
    with_qr = True
    extra = None
    glare = None
    sig = rng.uniform(0.0, 0.6)
    noise = rng.uniform(0.008, 0.02)
    dot = 8
    if cat == "faded":
        # 15–30 grey levels between ink and paper, often with blur or a shadow.
        contrast = rng.uniform(15, 30) / 255
        ink_level = paper_level - contrast
        sig = rng.choice([0.0, rng.uniform(0.5, 1.1)])
    if cat == "small":
        if rng.random() < 0.5:
            frame = (4000, 3000)
            qr_px = rng.uniform(1.6, 3.0) * 33
        else:
            qr_px = rng.uniform(2.2, 3.2) * 33
        sig = rng.uniform(0.0, 0.5)
    if cat in ("glare", "glare_heavy"):
        glare = (rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8),
                 rng.uniform(0.10, 0.18) if cat == "glare" else 0.45,
                 rng.uniform(0.6, 1.0) if cat == "glare" else 2.5)
    if cat == "curl":
        curl_amp = rng.uniform(2, 6)
    if cat == "crumple":
        warp = rng.uniform(0.4, 1.0)
    if cat == "edge":
        qr_side = rng.choice(["right_edge", "bottom_edge"])
    if cat == "tips_qr":
        text = f"https://pay.cloudtips.example/tips/{rng.randint(10**6, 10**7)}"
        expected = ""
    if cat == "no_qr":
        with_qr = False
        expected = ""
    if cat == "glare_heavy":
        expected = ""
    if cat == "cut":
        expected = ""
        offset = (0.5 + qr_px / frame[0] * 0.1, 0.0)
    ink, box = receipt(rng, text, dot, qr_side, with_qr, extra)
    img, inside = photograph(rng, ink, box, frame, qr_px, paper_level, ink_level, warp, curl_amp, offset, angle)
    h, w = img.shape
    img = img * lamps(rng, h, w, rng.randint(1, 3))
    if cat == "faded" and rng.random() < 0.5:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        a = rng.uniform(0, math.pi)
        d = (xx - w / 2) * math.cos(a) + (yy - h / 2) * math.sin(a)
        img = img * (1 - 0.35 / (1 + np.exp(-d / (0.05 * w))))
    if glare is not None:
        gx, gy, gr, gs = glare
        cx = w / 2 + offset[0] * w + (gx - 0.5) * qr_px
        cy = h / 2 + offset[1] * h + (gy - 0.5) * qr_px
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        img = img + gs * np.exp(-((xx - cx) ** 2 + ((yy - cy) * 1.4) ** 2) / (2 * (gr * qr_px) ** 2))
    img = blur(img, sig)
    g = np.random.default_rng(rng.randint(0, 2**31))
    img = img + g.normal(0, noise, img.shape).astype(np.float32)
    # Cream paper under warm light; where the light is more than the sensor takes (glare) every
    # channel clips to white, as a phone's does.
    over = np.maximum(img - 1.0, 0)[..., None]
    rgb = np.stack([img * 1.0, img * 0.97, img * 0.86], axis=-1) + over * 4
    out = Image.fromarray((rgb.clip(0, 1) * 255).astype(np.uint8), "RGB")
    return out, expected


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=64)
    ap.add_argument("--seed", type=int, default=20261205)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    strings = fiscal_strings()
    rows = []
    for i in range(args.count):
        cat = ORDER[i % len(ORDER)]
        rng = random.Random(args.seed * 7919 + i)
        img, expected = make(i, cat, rng, strings)
        name = f"{i:04d}-{cat}.jpg"
        img.save(os.path.join(args.out, name), "JPEG", quality=rng.randint(75, 92))
        rows.append((name, expected, cat, CATEGORIES[cat] if not expected else ""))
    with open(os.path.join(args.out, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("file\texpected\tkind\tdiagnostic\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{len(rows)} photos in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
