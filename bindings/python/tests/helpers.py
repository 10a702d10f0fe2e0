"""Shared helpers of the Python tests: the shared data directory and synthetic photos."""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from pathlib import Path

import segno

REPO = Path(__file__).resolve().parents[3]

QR = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1"


def shared_dir() -> Path:
    """`$CHEK_SHARED`, else `../shared` beside the repository (as the Rust tests find it)."""
    env = os.environ.get("CHEK_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def qr_png(text: str = QR, scale: int = 6) -> bytes:
    """A clean PNG of a QR holding `text` (segno's pure-Python PNG writer)."""
    buf = io.BytesIO()
    segno.make(text, micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def gray_png(width: int, height: int, pixels: bytes) -> bytes:
    """An 8-bit grayscale PNG from raw pixels (row-major)."""
    rows = b"".join(b"\x00" + pixels[y * width : (y + 1) * width] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def noise_png(side: int, seed: int = 1) -> bytes:
    """A square of random grey pixels: holds no QR, so a scan tries every pass."""
    return gray_png(side, side, random.Random(seed).randbytes(side * side))
