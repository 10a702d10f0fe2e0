"""`chek.aio`: awaitable scan, ocr, verify, submit, submit_batch and recheck for asyncio bot
frameworks. Run with `asyncio.run` (no pytest plugin). Concurrency is shown, not timed: each
test is arranged so that it can only finish if two calls are in progress at the same moment."""

from __future__ import annotations

import asyncio
import datetime
import errno
import inspect
import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import chek
from helpers import QR, REPO, qr_png, shared_dir

OTHER = "t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1"
DEMO = REPO / "examples" / "demo"
NOW = datetime.datetime(2026, 11, 23, 12, 0)
TICKET = (shared_dir() / "fixtures" / "fns" / "irkkt-ticket-2023-ozon.json").read_text(encoding="utf-8")


def test_the_module_lists_its_names() -> None:
    assert chek.aio.__all__ == [
        "scan",
        "ocr",
        "verify",
        "submit",
        "submit_batch",
        "recheck",
        "get_updates",
        "get_file",
        "download",
        "send_message",
    ]
    for name in chek.aio.__all__:
        assert inspect.iscoroutinefunction(getattr(chek.aio, name))


def feed(path: Path, data: bytes, timeout: float = 20.0) -> None:
    """Writes a photo into a named pipe once a scan has opened it for reading; raises
    `TimeoutError` when no scan opens it in time (never blocks for good)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO: no reader yet
            break
        except OSError as e:
            if e.errno != errno.ENXIO:
                raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"nobody opened {path.name} for reading") from e
            time.sleep(0.01)
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def unblock(path: Path) -> None:
    """Releases whoever still waits on a pipe (after a failure), so no thread hangs the run."""
    for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
        try:
            os.close(os.open(path, flags))
        except OSError as e:
            assert e.errno in (errno.ENXIO, errno.ENOENT)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_two_scans_run_at_once(tmp_path: Path) -> None:
    """Each photo is a named pipe the scan reads with the GIL released. The second photo is fed
    first, while the first scan is still waiting for its bytes: were the scans run one after the
    other, the second would never open its pipe and the feeding would time out."""
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    os.mkfifo(a)
    os.mkfifo(b)

    async def main() -> tuple[chek.ScanResult, chek.ScanResult, bool]:
        first = asyncio.create_task(chek.aio.scan(a))
        second = asyncio.create_task(chek.aio.scan(b))
        try:
            await asyncio.to_thread(feed, b, qr_png(OTHER))
            got_b = await asyncio.wait_for(second, 30)
            first_still_waiting = not first.done()
            await asyncio.to_thread(feed, a, qr_png(QR))
            got_a = await asyncio.wait_for(first, 30)
            return got_a, got_b, first_still_waiting
        finally:
            # On a failure, release the scans still waiting on a pipe before the loop closes.
            unblock(a)
            unblock(b)

    got_a, got_b, waiting = asyncio.run(main())
    assert waiting, "the first scan finished before its photo was written"
    assert got_a.fiscal == chek.parse_qr(QR) and got_b.fiscal == chek.parse_qr(OTHER)
    assert got_a == chek.scan(qr_png(QR))


class Fns:
    """A ФНС stand-in whose ticket endpoint answers only when two requests are in at once."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=20)
        fns = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    fns.barrier.wait()
                except threading.BrokenBarrierError:
                    self._send(500, "{}")
                    return
                self._send(200, '{"id": "t1", "status": 0}')

            def do_GET(self) -> None:
                self._send(200, TICKET)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.barrier.abort()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fns() -> Iterator[Fns]:
    f = Fns()
    yield f
    f.close()


def test_two_verifications_at_once(fns: Fns) -> None:
    v = chek.FnsMobile("session", base_url=fns.url, total_timeout=30.0, max_retries=0, poll_interval=0.01)
    qr = chek.Receipt.from_fns_json(TICKET).to_qr()

    async def main() -> list[chek.VerifyResult]:
        return list(await asyncio.gather(chek.aio.verify(v, qr), chek.aio.verify(v, str(qr))))

    results = asyncio.run(main())
    assert [r.status for r in results] == ["verified", "verified"]
    assert results[0] == results[1] and results[0].receipt is not None


def test_submit_and_recheck(tmp_path: Path) -> None:
    engine = chek.Engine((DEMO / "campaign.toml").read_text(encoding="utf-8"), chek.Ledger(str(tmp_path / "l.sqlite")))
    qrs = (DEMO / "qr.txt").read_text().split()

    async def main() -> tuple[list[chek.Outcome], list[chek.Outcome | chek.ChekError], list[chek.Outcome]]:
        single = await asyncio.gather(*(chek.aio.submit(engine, f"p{i}", qr=q, received_at=NOW) for i, q in enumerate(qrs)))
        batch = await chek.aio.submit_batch(engine, [{"participant": "late", "qr": qrs[0], "received_at": NOW}])
        again = await chek.aio.recheck(engine, now=NOW)
        return single, batch, again

    single, batch, again = asyncio.run(main())
    expected = [engine.history(f"p{i}") for i in range(len(qrs))]
    assert [o.receipt for o in single] == [h.receipts[0].receipt.__str__() if h and h.receipts else None for h in expected]
    assert sum(o.lots for o in single) == engine.report().lots
    assert isinstance(batch[0], chek.Outcome) and batch[0].status in ("awaiting_operator", "rejected")
    assert again == []  # offline: nobody to ask


def test_errors_arrive_typed(tmp_path: Path, fns: Fns) -> None:
    engine = chek.Engine((DEMO / "campaign.toml").read_text(encoding="utf-8"), chek.Ledger(":memory:"))
    v = chek.FnsMobile("session", base_url=fns.url)

    async def submit_bad() -> chek.Outcome:
        return await chek.aio.submit(engine, "", qr=QR, received_at=NOW)

    with pytest.raises(chek.EngineError) as e:
        asyncio.run(submit_bad())
    assert e.value.code == "engine.bad_participant" and e.value.hints["en"]

    async def verify_bad() -> chek.VerifyResult:
        return await chek.aio.verify(v, "not a qr")

    with pytest.raises(chek.QrError) as q:
        asyncio.run(verify_bad())
    assert q.value.code.startswith("qr.")

    async def scan_bad() -> chek.ScanResult:
        return await chek.aio.scan(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    with pytest.raises(chek.ScanError) as s:
        asyncio.run(scan_bad())
    assert s.value.code.startswith("scan.")

    async def ocr_bad() -> chek.OcrResult:
        return await chek.aio.ocr(qr_png(), tesseract="/nonexistent/tesseract")

    with pytest.raises(chek.ScanError) as o:
        asyncio.run(ocr_bad())
    assert o.value.code == "scan.ocr_unavailable"
    assert json.dumps(o.value.details) is not None
