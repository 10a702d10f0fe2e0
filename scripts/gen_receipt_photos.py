#!/usr/bin/env python3
"""Deterministic synthetic photos of thermal receipts with a fiscal QR, for chek-scan's tests
and benchmark.

Every photo is drawn from a seed: a receipt (text lines, the fiscal QR at the bottom) is printed
with thermal-paper contrast, bent, folded, placed in a phone frame with perspective and rotation,
lit unevenly, blurred, noised and saved as JPEG/PNG/WebP. The manifest `manifest.tsv` lists per
file: the expected fiscal text (empty when the photo is unreadable on purpose), the damage kind,
and for unreadable photos (about one in five) the diagnostic code it must raise.

    scripts/gen_receipt_photos.py OUT_DIR [--count N] [--seed S]

The default count (90, two cycles of every kind) generates in a few seconds; the benchmark uses a larger set.
"""

import argparse
import io
import math
import os
import random
import sys

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("CHEK_SHARED", os.path.join(HERE, "..", "..", "shared"))

# Damage kinds that must stay readable, then the ones made unreadable on purpose with the
# diagnostic each must raise.
READABLE = [
    "clean", "blur", "motion", "fade", "lowcontrast", "shadow", "glare_side", "perspective",
    "rotation", "curl", "crease", "noise", "jpeg", "small12mp", "occluded", "two_codes",
    "dark", "combo",
]
UNREADABLE = {
    "cutoff": "scan.qr_unreadable",
    "no_qr": "scan.no_qr",
    "not_fiscal": "scan.not_fiscal",
    "very_blurry": "scan.blurry",
    "very_dark": "scan.too_dark",
    "overexposed": "scan.overexposed",
    "glare_over": "scan.glare",
    "tiny": "scan.image_too_small",
    "fiscal_broken": "qr.missing_field",
}


def fiscal_strings():
    path = os.path.join(SHARED, "fixtures", "qr-strings.txt")
    with open(path, encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    return [l for l in lines if "fn=" in l and "fp=" in l]


def qr_matrix(text, error="m"):
    q = segno.make(text, error=error, micro=False)
    rows = [list(r) for r in q.matrix_iter(scale=1, border=4)]
    return np.array(rows, dtype=bool)


def render_receipt(rng, text, module, extra_qr=None, fade=1.0, with_qr=True):
    """A receipt in paper space: float array, 1.0 = paper, 0.0 = full ink."""
    m = qr_matrix(text) if with_qr else None
    qr_px = (m.shape[0] if m is not None else 37) * module
    width = max(int(qr_px * 1.9), 360)
    lines = rng.randint(6, 14)
    line_h = max(module * 3, 16)
    height = lines * line_h + qr_px + 4 * line_h
    img = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=max(12, line_h - 4)) if hasattr(ImageFont, "load_default") else None
    for i in range(lines):
        y = line_h // 2 + i * line_h
        left = " ".join(rng.choice(["TOTAL", "QTY", "ITEM", "CASH", "SUM", "VAT"]) for _ in range(2))
        d.text((10, y), f"{left} {rng.randint(1, 9999)}", fill=40, font=font)
        d.text((width - 110, y), f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}", fill=40, font=font)
    arr = np.asarray(img, dtype=np.float32) / 255.0
    qr_box = None
    if m is not None:
        # 1.0 where a module is light (paper), 0.0 where it is dark (ink).
        q = np.kron(~m, np.ones((module, module))).astype(np.float32)
        y0 = lines * line_h + 2 * line_h
        x0 = (width - qr_px) // 2
        if extra_qr is not None:
            x0 = max(4, width // 2 - qr_px - 8)
        arr[y0:y0 + qr_px, x0:x0 + qr_px] = q
        qr_box = (x0, y0, qr_px)
        if extra_qr is not None:
            m2 = qr_matrix(extra_qr)
            mod2 = max(2, int(module * 0.9))
            q2 = np.kron(m2, np.ones((mod2, mod2))).astype(np.float32)
            s2 = q2.shape[0]
            x2 = width // 2 + 8
            pad = np.ones((arr.shape[0], max(0, x2 + s2 - width)), dtype=np.float32)
            arr = np.concatenate([arr, pad], axis=1) if pad.shape[1] else arr
            arr[y0:y0 + s2, x2:x2 + s2] = 1.0 - q2
    # Thermal print: ink is never black, paper never pure white; faded print is paler.
    ink, paper = 0.12 + (1 - fade) * 0.8, 0.93
    arr = paper - (paper - ink) * (1.0 - arr)
    return arr, qr_box


def curl(arr, amp):
    h, w = arr.shape
    xs = np.arange(w)
    dy = (amp * np.sin(np.pi * xs / w)).astype(np.int32)
    out = np.empty_like(arr)
    for x in range(w):
        out[:, x] = np.roll(arr[:, x], dy[x])
    shade = 1.0 - 0.12 * np.cos(np.pi * xs / w) ** 2
    return out * shade[None, :]


def crease(arr, rng):
    h, w = arr.shape
    y = rng.randint(int(h * 0.5), int(h * 0.9))
    shift = rng.randint(1, 3)
    out = arr.copy()
    out[y:, :] = np.roll(arr[y:, :], shift, axis=1)
    out[y:, :] *= 0.93
    out[max(0, y - 1):y + 2, :] *= 0.7
    return out


def find_coeffs(dst, src):
    """PIL perspective coefficients mapping output points dst to input points src."""
    a = []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(a, dtype=np.float64)
    b = np.array(src, dtype=np.float64).reshape(8)
    return np.linalg.solve(a, b).tolist()


def place(rng, paper, frame_w, frame_h, qr_box, target_qr_px, angle, persp, offset=(0.0, 0.0)):
    """Puts the receipt in a phone frame so the QR is about target_qr_px wide, centred."""
    h, w = paper.shape
    x0, y0, q = qr_box
    scale = target_qr_px / q
    cx, cy = x0 + q / 2, y0 + q / 2
    fcx = frame_w / 2 + offset[0] * frame_w
    fcy = frame_h / 2 + offset[1] * frame_h
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    ca, sa = math.cos(angle), math.sin(angle)
    dst = []
    for i, (x, y) in enumerate(corners):
        dx, dy = (x - cx) * scale, (y - cy) * scale
        k = 1.0 + persp * (1 if i in (0, 1) else -1) * 0.5
        dx *= k
        dst.append((fcx + dx * ca - dy * sa, fcy + dx * sa + dy * ca))
    coeffs = find_coeffs(dst, corners)
    img = Image.fromarray((paper * 255).clip(0, 255).astype(np.uint8), "L")
    warped = img.transform((frame_w, frame_h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    mask = Image.new("L", img.size, 255).transform((frame_w, frame_h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    bg_level = rng.uniform(0.25, 0.55)
    bg = (np.full((frame_h, frame_w), bg_level, np.float32)
          + rng_np(rng).normal(0, 0.03, (frame_h // 8 + 1, frame_w // 8 + 1)).repeat(8, 0).repeat(8, 1)[:frame_h, :frame_w])
    mk = np.asarray(mask, np.float32) / 255.0
    return np.asarray(warped, np.float32) / 255.0 * mk + bg * (1 - mk)


def rng_np(rng):
    return np.random.default_rng(rng.randint(0, 2**31))


def light(arr, rng, kind):
    h, w = arr.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "shadow":
        # A hand's or phone's shadow: a soft dark half-plane across the frame.
        a = rng.uniform(0, math.pi)
        d = (xx - w / 2) * math.cos(a) + (yy - h / 2) * math.sin(a)
        arr = arr * (1.0 - 0.45 / (1.0 + np.exp(-d / (0.03 * w))))
    elif kind == "vignette":
        r = np.hypot(xx - w / 2, yy - h / 2) / math.hypot(w / 2, h / 2)
        arr = arr * (1.0 - 0.25 * r ** 2)
    return arr


def glare(arr, cx, cy, radius, strength=1.2):
    h, w = arr.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    g = np.exp(-(((xx - cx) ** 2 + ((yy - cy) * 1.6) ** 2) / (2 * radius ** 2)))
    return arr + strength * g


def motion_blur(arr, length, angle):
    out = np.zeros_like(arr)
    for i in range(length):
        t = i - length / 2
        out += np.roll(np.roll(arr, int(round(t * math.cos(angle))), axis=1), int(round(t * math.sin(angle))), axis=0)
    return out / length


def to_image(arr, rng):
    a = (arr.clip(0, 1) * 255).astype(np.uint8)
    g = Image.fromarray(a, "L")
    # A warm paper tint, as phones see thermal paper under room light.
    r = g.point(lambda v: min(255, int(v * 1.02) + 2))
    b = g.point(lambda v: int(v * 0.93))
    return Image.merge("RGB", (r, g, b))


def save(img, path, fmt, quality):
    if fmt == "jpg":
        img.save(path, "JPEG", quality=quality)
    elif fmt == "png":
        img.save(path, "PNG", compress_level=1)
    else:
        img.save(path, "WEBP", quality=quality)


def make(i, kind, rng, strings):
    text = strings[i % len(strings)]
    frame_w, frame_h = (1600, 1200)
    target = rng.uniform(260, 480)
    angle = math.radians(rng.uniform(-6, 6))
    persp = 0.0
    module = 6
    fade = 1.0
    extra = None
    with_qr = True
    fmt, quality = "jpg", rng.randint(70, 92)
    offset = (rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1))
    expected = text
    if kind in UNREADABLE:
        expected = ""
    if kind == "two_codes":
        extra = f"https://shop.example/promo?c={rng.randint(1000, 99999)}"
    if kind == "fiscal_broken":
        # Printed with the ФП field lost, as some misconfigured registers do.
        text = "&".join(p for p in text.split("&") if not p.startswith("fp="))
    if kind == "not_fiscal":
        text = f"https://shop.example/card/{rng.randint(10**6, 10**7)}"
        expected = ""
    if kind == "no_qr":
        with_qr = False
        expected = ""
    # Damage strength is drawn from a range, from mild to what the best decoders start to miss.
    if kind in ("fade", "combo"):
        fade = rng.uniform(0.12, 0.35)
    if kind == "lowcontrast":
        fade = rng.uniform(0.3, 0.55)
    if kind == "perspective":
        persp = rng.choice([-1, 1]) * rng.uniform(0.25, 0.6)
    if kind == "rotation":
        angle = math.radians(rng.uniform(-180, 180))
    if kind == "small12mp":
        frame_w, frame_h = 4000, 3000
        target = rng.uniform(1.5, 3.0) * 37
    if kind == "cutoff":
        offset = (0.5 + target / frame_w * 0.05, 0.0)
    if kind == "tiny":
        frame_w, frame_h = 64, 48
        target = 30
    if kind in ("png", "clean") and rng.random() < 0.3:
        fmt = "png"
    if kind == "noise" and rng.random() < 0.5:
        fmt = "webp"
    if kind == "jpeg":
        quality = rng.randint(4, 12)

    paper, qr_box = render_receipt(rng, text, module, extra, fade, with_qr)
    if qr_box is None:
        qr_box = (paper.shape[1] // 4, paper.shape[0] // 2, paper.shape[1] // 2)
    x0, y0, q = qr_box
    if kind == "curl":
        paper = curl(paper, rng.uniform(6, 30))
    if kind in ("crease", "combo"):
        paper = crease(paper, rng)
        if rng.random() < 0.5:
            paper = crease(paper, rng)
    if kind == "occluded":
        # A fingertip over a corner of the data area, away from the finder patterns.
        pil = Image.fromarray((paper * 255).astype(np.uint8), "L")
        d = ImageDraw.Draw(pil)
        r = q * rng.uniform(0.06, 0.12)
        cx, cy = x0 + q * 0.78, y0 + q * 0.78
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=140)
        paper = np.asarray(pil, np.float32) / 255.0
    if kind == "glare_over":
        paper = glare(paper, x0 + q * 0.5, y0 + q * 0.5, q * 0.28, 1.6)
    if kind == "glare_side":
        paper = glare(paper, x0 + q * rng.uniform(0.0, 0.2), y0 + q * rng.uniform(0.2, 0.8), q * rng.uniform(0.08, 0.18), rng.uniform(0.6, 1.2))

    arr = place(rng, paper, frame_w, frame_h, qr_box, target, angle, persp, offset)
    if kind in ("shadow", "combo"):
        arr = light(arr, rng, "shadow")
    else:
        arr = light(arr, rng, "vignette")
    if kind == "dark":
        arr = arr * rng.uniform(0.12, 0.35)
    if kind == "very_dark":
        arr = arr * 0.03
    if kind == "overexposed":
        arr = arr * 0.05 + 0.965
    if kind == "blur":
        arr = np.asarray(Image.fromarray((arr.clip(0, 1) * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(target / 37 * rng.uniform(0.3, 0.65))), np.float32) / 255.0
    if kind == "very_blurry":
        arr = np.asarray(Image.fromarray((arr.clip(0, 1) * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(target / 37 * 1.6)), np.float32) / 255.0
    if kind in ("motion", "combo"):
        arr = motion_blur(arr, max(2, int(target / 37 * rng.uniform(0.5, 1.2))), rng.uniform(0, math.pi))
    if kind in ("noise", "combo", "dark", "small12mp", "very_dark", "overexposed"):
        sigma = rng.uniform(0.05, 0.12) if kind in ("noise", "combo") else 0.03
        arr = arr + rng_np(rng).normal(0, sigma, arr.shape).astype(np.float32)
    return to_image(arr, rng), expected, fmt, quality


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=90)
    ap.add_argument("--seed", type=int, default=20261123)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    strings = fiscal_strings()
    # Readable kinds twice per cycle: about one photo in five is unreadable on purpose.
    kinds = READABLE + READABLE + list(UNREADABLE)
    rows = []
    for i in range(args.count):
        kind = kinds[i % len(kinds)]
        rng = random.Random(args.seed * 1000 + i)
        img, expected, fmt, quality = make(i, kind, rng, strings)
        name = f"{i:04d}-{kind}.{fmt}"
        save(img, os.path.join(args.out, name), fmt, quality)
        rows.append((name, expected, kind, UNREADABLE.get(kind, "")))
    with open(os.path.join(args.out, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("file\texpected\tkind\tdiagnostic\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{len(rows)} photos in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
