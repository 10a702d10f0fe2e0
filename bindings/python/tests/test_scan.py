"""`chek.scan` on photos (bytes and paths), its errors and diagnostics, `chek.ocr`; and that
scanning releases the GIL, so threads scan at the same time."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

import chek
from helpers import QR, gray_png, noise_png, qr_png, shared_dir


def test_scan_reads_a_fiscal_qr() -> None:
    r = chek.scan(qr_png())
    assert r.ok
    assert r.fiscal == chek.parse_qr(QR)
    assert r.text == QR
    assert r.diagnostics == []
    assert r.pass_name in r.tried
    assert r.width == r.height > 100
    d = r.to_dict()
    assert d["fiscal"] == chek.parse_qr(QR).to_dict()
    assert d["diagnostics"] == []
    assert repr(r) == f"ScanResult(fiscal='{QR}')"


def test_scan_accepts_paths_and_buffers(tmp_path: Path) -> None:
    png = qr_png()
    p = tmp_path / "receipt.png"
    p.write_bytes(png)
    want = chek.scan(png)
    assert chek.scan(p) == want
    assert chek.scan(str(p)) == want
    assert chek.scan(bytearray(png)) == want
    assert chek.scan(memoryview(png)) == want


def test_missing_file_is_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        chek.scan(tmp_path / "nope.jpg")


def test_a_photo_without_qr_has_diagnostics() -> None:
    r = chek.scan(gray_png(300, 300, bytes([128]) * 90000))
    assert not r.ok and r.fiscal is None
    assert [d.code for d in r.diagnostics][:1] == ["scan.no_qr"]
    d = r.diagnostics[0]
    assert d.hint == d.hints["ru"] and "QR" in d.hints["en"]
    assert d.to_dict() == {"code": "scan.no_qr", "hints": d.hints}
    assert repr(r) == "ScanResult(fiscal=None, diagnostics=" + repr([x.code for x in r.diagnostics]) + ")"


def test_a_shop_qr_is_not_fiscal() -> None:
    r = chek.scan(qr_png("https://shop.example/promo"))
    assert not r.ok
    assert r.others == ["https://shop.example/promo"]
    assert "scan.not_fiscal" in [d.code for d in r.diagnostics]


def test_a_broken_fiscal_qr_reports_the_qr_error() -> None:
    r = chek.scan(qr_png("t=20200115T2110&s=bad&fn=1234567890123456&i=1&fp=1&n=1"))
    assert [d.code for d in r.diagnostics][:1] == ["qr.malformed_field"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "scan.empty"),
        (b"GIF89a" + bytes(100), "scan.unsupported_format"),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "scan.corrupt_image"),
    ],
)
def test_scan_errors(data: bytes, code: str) -> None:
    with pytest.raises(chek.ScanError) as info:
        chek.scan(data)
    assert info.value.code == code
    assert info.value.hints["ru"] and info.value.hints["en"]


def test_scan_limits() -> None:
    with pytest.raises(chek.ScanError) as info:
        chek.scan(qr_png(), max_bytes=100)
    assert info.value.code == "scan.too_large"
    with pytest.raises(chek.ScanError) as info:
        chek.scan(qr_png(), max_pixels=1000)
    assert info.value.code == "scan.too_many_pixels"
    with pytest.raises(ValueError):
        chek.scan(qr_png(), budget=-1.0)


def test_scan_options_reach_the_scanner() -> None:
    r = chek.scan(gray_png(300, 300, bytes([128]) * 90000), diagnose=False)
    assert r.diagnostics == []
    shop = qr_png("https://shop.example/promo")
    assert chek.scan(shop, stop_at_any_code=True).tried == ["base"]


def test_real_qr_photos_from_the_shared_corpus() -> None:
    root = shared_dir() / "corpus" / "qr-real" / "qrcode-1"
    photos = sorted(p for p in root.iterdir() if p.suffix in {".webp", ".png", ".jpg"})
    assert len(photos) >= 5
    read = 0
    for p in photos:
        want = p.with_suffix(".txt").read_bytes().decode("utf-8")  # keeps \r\n
        r = chek.scan(p, stop_at_any_code=True)
        read += want in r.others or r.text == want
    assert read >= len(photos) - 1


def test_scanning_releases_the_gil() -> None:
    """While a scan runs in a worker thread, this thread keeps running Python code.

    With the GIL held for the whole scan, this thread could not run at all between the
    worker's call and its return (beyond a switch interval or two), so the span of this
    thread's ticks inside the scan would be a few milliseconds, not most of the scan.
    """
    photo = noise_png(1200)
    span: dict[str, float] = {}

    def work() -> None:
        span["start"] = time.perf_counter()
        chek.scan(photo)
        span["end"] = time.perf_counter()

    ticks: list[float] = []
    t = threading.Thread(target=work)
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    duration = span["end"] - span["start"]
    inside = [x for x in ticks if span["start"] < x < span["end"]]
    assert duration > 0.05, f"the scan took only {duration:.3f}s: too short to show anything"
    assert inside, "no Python code ran while the scan was in progress"
    covered = max(inside) - min(inside)
    assert covered > 0.5 * duration, f"Python ran during {covered:.3f}s of a {duration:.3f}s scan"


def test_threads_scan_at_the_same_time() -> None:
    """Two threads started together are inside `chek.scan` at the same time.

    Each thread records when its scan started and ended; with the GIL released the two
    intervals overlap for most of their length (with the GIL held they could overlap by a
    switch interval at most). The speed-up is printed, not asserted: the CI machine is shared.
    """
    photo = noise_png(1200)
    t0 = time.perf_counter()
    chek.scan(photo)
    single = time.perf_counter() - t0

    n = 2
    barrier = threading.Barrier(n)
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def work() -> None:
        barrier.wait()
        start = time.perf_counter()
        chek.scan(photo)
        end = time.perf_counter()
        with lock:
            spans.append((start, end))

    threads = [threading.Thread(target=work) for _ in range(n)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    assert len(spans) == n
    overlap = min(e for _, e in spans) - max(s for s, _ in spans)
    shortest = min(e - s for s, e in spans)
    print(f"single scan {single:.3f}s; {n} threads {wall:.3f}s (speed-up {n * single / wall:.2f}x)")
    assert overlap > 0.5 * shortest, f"scans overlapped {overlap:.3f}s of {shortest:.3f}s"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_ocr_reads_a_receipt_text_render() -> None:
    renders = Path(__file__).resolve().parents[3] / "target" / "receipt-texts"
    clean = sorted(renders.glob("00-clean.png"))
    if not clean:
        pytest.skip("receipt text renders not generated (scripts/gen_receipt_texts.py)")
    r = chek.ocr(clean[0])
    assert r.reading.channel == "ocr"
    assert r.reading.fn is not None and len(r.reading.fn) == 16
    assert r.elapsed > 0
    assert r.to_dict()["text"] == r.text


def test_ocr_without_tesseract() -> None:
    with pytest.raises(chek.ScanError) as info:
        chek.ocr(qr_png(), tesseract="/nonexistent/tesseract")
    assert info.value.code == "scan.ocr_unavailable"
