"""`chek.FnsMobile` and `chek.CheckApi` against a local HTTP server (Python's http.server in a
thread) serving the recorded ФНС responses from ../shared/fixtures/fns.

The server runs in this very process: were the GIL held during a verification, the server
thread could not answer and every call would time out, so each passing call here also shows
that verification releases the GIL.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import chek
from helpers import shared_dir

FNS = shared_dir() / "fixtures" / "fns"
SESSION = "SESSION-abc123-secret"
TOKEN = "TOKEN-xyz789-secret"
FAST: dict[str, Any] = {
    "connect_timeout": 0.5,
    "total_timeout": 2.0,
    "max_retries": 1,
    "backoff_base": 0.01,
    "backoff_max": 0.02,
    "poll_interval": 0.01,
    "poll_attempts": 3,
}


@dataclass
class Reply:
    status: int
    body: str
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: str


class Server:
    """Routes `(method, path)` to replies; records every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Reply] = {}
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.peak = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n).decode("utf-8", "replace")
                server.seen.append(Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                reply = server.routes.get((self.command, self.path), Reply(404, "{}"))
                with server.lock:
                    server.in_flight += 1
                    server.peak = max(server.peak, server.in_flight)
                if reply.delay:
                    time.sleep(reply.delay)
                with server.lock:
                    server.in_flight -= 1
                data = reply.body.encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = _answer
            do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def fixture(name: str) -> str:
    return (FNS / name).read_text(encoding="utf-8")


def qr_of(name: str) -> chek.FiscalQr:
    return chek.Receipt.from_fns_json(fixture(name)).to_qr()


def fns(server: Server, **kw: Any) -> chek.FnsMobile:
    return chek.FnsMobile(SESSION, base_url=server.url, **{**FAST, **kw})


def checkapi(server: Server) -> chek.CheckApi:
    return chek.CheckApi(TOKEN, base_url=server.url, **FAST)


def fns_routes(server: Server, ticket: Reply) -> None:
    server.routes[("POST", "/v2/ticket")] = Reply(200, '{"id": "6538c085f7938adb0627dedd", "kind": "kkt", "status": 0}')
    server.routes[("GET", "/v2/tickets/6538c085f7938adb0627dedd")] = ticket


@pytest.mark.parametrize(
    "name", ["irkkt-ticket-2023-ozon.json", "irkkt-ticket-2023-lenta.json", "irkkt-ticket-2020-lenta.json"]
)
def test_fns_verifies_with_items(server: Server, name: str) -> None:
    fns_routes(server, Reply(200, fixture(name)))
    qr = qr_of(name)
    v = fns(server)
    assert v.name == "fns" and repr(v) == "FnsMobile(session=***)"
    r = v.verify(qr)
    assert (r.status, r.code, r.verified, r.is_final) == ("verified", "verify.verified", True, True)
    assert r.receipt is not None and r.receipt.identity == qr.identity and r.receipt.items
    assert r.hint == r.hints["ru"] and r.hints["en"]
    assert r.to_dict()["receipt"]["datetime"] == r.receipt.datetime.isoformat()
    assert repr(r) == f"VerifyResult(status='verified', receipt='{qr.identity}')"
    first = server.seen[0]
    assert (first.method, first.path) == ("POST", "/v2/ticket")
    assert first.headers["sessionid"] == SESSION
    assert json.loads(first.body)["qr"] == str(qr)
    # A candidate and a QR string are asked about the same way.
    assert v.verify(chek.Candidate(qr)) == r
    assert v.verify(str(qr)) == r


def test_fns_pending_past_the_poll_budget_is_not_yet_known(server: Server) -> None:
    fns_routes(server, Reply(200, '{"id": "x", "status": 0}'))
    r = fns(server).verify(qr_of("irkkt-ticket-2023-ozon.json"))
    assert (r.status, r.code, r.is_final, r.receipt) == ("not_yet_known", "verify.not_yet_known", False, None)
    assert r.counts_as_attempt
    assert len(server.seen) == 1 + FAST["poll_attempts"]


@pytest.mark.parametrize(
    ("status", "code"),
    [(8, "verify.fiscal_data_rejected"), (12, "verify.standalone_kkt"), (5, "verify.not_retrievable")],
)
def test_fns_status_groups(server: Server, status: int, code: str) -> None:
    fns_routes(server, Reply(200, json.dumps({"status": status})))
    r = fns(server).verify(qr_of("irkkt-ticket-2023-ozon.json"))
    assert (r.status, r.code, r.is_final) == ("invalid", code, True)


def test_refused_session_is_bad_credentials(server: Server) -> None:
    server.routes[("POST", "/v2/ticket")] = Reply(401, '{"message": "unauthorized"}')
    r = fns(server).verify(qr_of("irkkt-ticket-2023-ozon.json"))
    assert (r.status, r.code, r.counts_as_attempt) == ("bad_credentials", "verify.bad_credentials", False)
    assert SESSION not in repr(r.to_dict())


def test_rate_limit_with_retry_after(server: Server) -> None:
    server.routes[("POST", "/v2/ticket")] = Reply(429, "{}", headers={"Retry-After": "3600"})
    r = fns(server).verify(qr_of("irkkt-ticket-2023-ozon.json"))
    assert (r.status, r.retry_after, r.counts_as_attempt) == ("rate_limited", 3600, False)


def test_server_errors_are_provider_unavailable(server: Server) -> None:
    server.routes[("POST", "/v2/ticket")] = Reply(500, "oops")
    r = fns(server).verify(qr_of("irkkt-ticket-2023-ozon.json"))
    assert r.status == "provider_unavailable" and r.detail
    assert len(server.seen) == 1 + FAST["max_retries"]


def test_nothing_listening_is_provider_unavailable() -> None:
    s = Server()
    url = s.url
    s.close()
    r = chek.FnsMobile(SESSION, base_url=url, **FAST).verify(qr_of("irkkt-ticket-2023-ozon.json"))
    assert r.status == "provider_unavailable"


@pytest.mark.parametrize(
    "name", ["proverkacheka-code1-2024-pyaterochka.json", "proverkacheka-code1-2025-yandex-market.json"]
)
def test_checkapi_verifies(server: Server, name: str) -> None:
    server.routes[("POST", "/api/v1/check/get")] = Reply(200, fixture(name))
    qr = qr_of(name)
    api = checkapi(server)
    assert api.name == "checkapi" and repr(api) == "CheckApi(token=***)"
    r = api.verify(qr)
    assert r.verified and r.receipt is not None and r.receipt.identity == qr.identity
    form = server.seen[0].body
    assert f"token={TOKEN}" in form and "qrraw=" in form


def test_checkapi_limit_is_rate_limited(server: Server) -> None:
    server.routes[("POST", "/api/v1/check/get")] = Reply(200, fixture("proverkacheka-code3-limit.json"))
    r = checkapi(server).verify(qr_of("proverkacheka-code1-2024-pyaterochka.json"))
    assert (r.status, r.code) == ("rate_limited", "verify.rate_limited")


def test_bad_arguments(server: Server) -> None:
    with pytest.raises(chek.VerifyError) as info:
        chek.FnsMobile(SESSION, base_url="not a url")
    assert info.value.code.startswith("verify.")
    with pytest.raises(ValueError):
        chek.CheckApi(TOKEN, base_url=server.url, total_timeout=-1.0)
    with pytest.raises(chek.QrError):
        fns(server).verify("not a qr")
    with pytest.raises(TypeError):
        fns(server).verify(42)  # type: ignore[arg-type]
    assert chek.FNS_MOBILE_URL.startswith("https://") and chek.CHECKAPI_URL.startswith("https://")


def test_threads_verify_at_the_same_time(server: Server) -> None:
    """Each answer takes 0.3 s; the server sees several requests in flight at once only if the
    calling threads wait on it together (with the GIL held they would queue one by one)."""
    name = "irkkt-ticket-2023-ozon.json"
    server.routes[("POST", "/v2/ticket")] = Reply(200, '{"id": "abc"}', delay=0.3)
    server.routes[("GET", "/v2/tickets/abc")] = Reply(200, fixture(name))
    v = fns(server, total_timeout=5.0, max_concurrent=4)
    qr = qr_of(name)
    results: list[chek.VerifyResult] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        results.append(v.verify(qr))

    threads = [threading.Thread(target=work) for _ in range(4)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    assert [r.status for r in results] == ["verified"] * 4
    print(f"4 verifications of 0.3 s each took {wall:.2f}s; peak in flight {server.peak}")
    assert server.peak >= 2, f"at most {server.peak} request in flight at once"
