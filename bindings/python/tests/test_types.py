"""The API in Python's types, over every exported class: `to_dict()` is JSON-ready (`json.dumps`
takes it and `json.loads` gives it back unchanged: no datetimes, Decimals or tuples), and no
repr shows Rust syntax (`Some(…)`, `::`, `Vec`, Rust's double-quoted strings).

The samples are real values: a campaign and an engine over an SQLite ledger in a temporary
directory, the care desk and notification examples, a local HTTP stand-in for ФНС (the one
test_verify.py uses) for verification results."""

from __future__ import annotations

import datetime
import hashlib
import inspect
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import chek
from helpers import QR, REPO, noise_png, qr_png, shared_dir
from test_verify import FAST, SESSION, Reply, Server, fixture, fns_routes

MODULES: list[ModuleType] = [
    chek,
    chek.engage.care,
    chek.engage.notify,
    chek.engage.loyalty,
    chek.engage.feedback,
    chek.outbox,
    chek.ru,
    chek.channels,
    chek.bot,
]
NOW = datetime.datetime(2026, 11, 23, 12, 0)
DEMO = REPO / "examples" / "demo"
CAMPAIGNS = REPO / "examples" / "campaigns"
CARE = REPO / "examples" / "care"
NOTIFY = REPO / "examples" / "notify"


def exported_classes() -> dict[str, type]:
    """Every public class of the package (errors aside), by its qualified name."""
    out: dict[str, type] = {}
    for m in MODULES:
        for name in m.__all__:
            obj = getattr(m, name)
            if inspect.isclass(obj) and not issubclass(obj, BaseException):
                out[f"{m.__name__}.{name}"] = obj
    return out


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def build(tmp: Path, server: Server) -> list[object]:
    """At least one real instance of every exported class."""
    s: list[object] = []
    qr = chek.parse_qr(QR)
    receipt = chek.Receipt.from_fns_json(read(shared_dir() / "fixtures" / "fns" / "irkkt-ticket-2023-lenta.json"))
    s += [qr, qr.identity, receipt, receipt.items[0], receipt.payments]
    s += [chek.Candidate(qr), chek.Candidate(receipt.to_qr(), "manual", receipt)]
    s += chek.validate(qr, now=datetime.datetime(2024, 1, 1))
    reading = chek.parse_text(read(DEMO / "receipt-ocr.txt"))
    partial = chek.parse_text("ИТОГ =1500.00\nФН 9289000100123456\nМолоко 2 x 45.50 =91.00")
    s += [reading, partial, *reading.fields, *partial.problems, *partial.items, *reading.items]
    found = chek.scan(qr_png())
    missing = chek.scan(noise_png(64))
    s += [found, missing, *missing.diagnostics]
    if shutil.which("tesseract"):
        s.append(chek.ocr(DEMO / "photos" / "01-receipt.jpg", timeout=60.0))

    campaign = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn.toml")
    v2 = chek.Campaign.from_file(CAMPAIGNS / "stationery-autumn-v2.toml")
    bought = [chek.Receipt.from_fns_json(read(p)) for p in sorted((CAMPAIGNS / "receipts").glob("*.json"))]
    subs: list[tuple[str, chek.ReceiptLike]] = [(f"p{i}", r) for i, r in enumerate(bought)]
    history = chek.History.from_json(read(CAMPAIGNS / "history-anna.json"))
    decision = campaign.evaluate(bought[0], history, now=datetime.datetime(2026, 9, 20, 7, 0))
    report = campaign.backtest(v2, subs)
    assert report.changes, "the two versions differ on the example receipts"
    s += [campaign, decision, *decision.reasons, history, *history.receipts, report, *report.changes]

    result = chek.draw({"alice": 5, "bob": 1}, seed=bytes(range(16)), beacon=b"b", prizes=1)
    s += [result, *result.winners]

    fns_routes(server, Reply(200, '{"id": "x", "status": 0}'))
    waiting = chek.FnsMobile(SESSION, base_url=server.url, **FAST).verify(qr)
    server.routes.clear()
    fns_routes(server, Reply(200, fixture("irkkt-ticket-2023-lenta.json")))
    verified = chek.FnsMobile(SESSION, base_url=server.url, **FAST).verify(receipt.to_qr())
    assert (waiting.status, verified.status) == ("not_yet_known", "verified")
    attempt = chek.Attempt(NOW, waiting)
    policy = chek.RecheckPolicy()
    s += [waiting, verified, attempt, policy, policy.next([attempt], now=NOW), policy.next([], now=NOW)]

    s += telegram_samples(server)
    s += bot_samples(tmp, server)
    server.routes[("POST", "/sms/send")] = Reply(
        200, '{"status": "OK", "sms": {"79161234567": {"status": "OK", "status_code": 100, "sms_id": "1-1"}}}'
    )
    gw = chek.channels.SmsRu("KEY", base_url=server.url, timeout=2.0)
    s += [gw, gw.send("79161234567", "Код 1234"), *chek.channels.parse_smsru_callback("data%5B0%5D=sms_status%0A1-1%0A103%0A1")]
    server.routes[("POST", "/")] = Reply(200, '{"jsonrpc": "2.0", "id": "1", "result": {"data": {"call_session_id": 7}}}')
    uis = chek.channels.Uis("TOKEN", "74993720692", base_url=server.url, timeout=2.0)
    ari = chek.channels.Asterisk("chek", "pw", base_url=server.url, trunk="trunk", app="chek", timeout=2.0)
    s += [uis, ari, uis.place_call("79161234567", "Ваш чек принят")]
    s += [chek.channels.parse_uis_callback('{"call_session_id": 7, "finish_reason": "success_finish", "talk_time_duration": 3}')]

    main_ledger = chek.Ledger(str(tmp / "ledger.sqlite"))
    engine = chek.Engine(read(DEMO / "campaign.toml"), main_ledger)
    qrs = read(DEMO / "qr.txt").split()
    outcomes = [engine.submit("anna", qr=q, received_at=NOW) for q in qrs]
    outcomes.append(engine.submit("boris", qr=qrs[0], received_at=NOW))
    outcomes.append(
        engine.submit("vera", manual="фн 7281440500751551 фд 30700 фп 1234567890 21.11.26 14:05 1250,00", received_at=NOW)
    )
    seed = bytes(range(16))
    start, end = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    engine.commit_draw(
        "nov", start, end, commitment=hashlib.sha256(seed).hexdigest(), beacon_source="drand", beacon_round="1", now=NOW
    )
    engine.draw("nov", start, end, seed=seed, beacon=b"b", prizes=1, now=datetime.datetime(2026, 12, 2))
    ledger_report = engine.report()
    anna = engine.history("anna")
    assert anna is not None and ledger_report.top_reasons
    s += [*outcomes, ledger_report, ledger_report.total, *ledger_report.days, *ledger_report.top_reasons]
    s += [*engine.segment("awaiting_operator"), *engine.due_rechecks(now=NOW), *engine.draws()]
    s += [anna, anna.balance, *anna.receipts, *engine.balances(), engine.audit()]
    chain = main_ledger.verify_chain()
    broken = broken_chain(tmp)
    s += [chain, *chain.chains, main_ledger.chain_head(chain.chains[0].campaign), broken, broken.broken]
    queued = chek.outbox.enqueue(main_ledger, "reply:1", "telegram", "42", "Чек принят", now=NOW)
    claimed = chek.outbox.claim(main_ledger, now=NOW)
    dispatcher = chek.outbox.Dispatcher({"telegram": lambda m: "p-1"})
    s += [queued, *claimed, chek.outbox.counts(main_ledger), dispatcher, dispatcher.run_once(main_ledger, now=NOW)]

    desk = chek.engage.care.CareDesk(read(CARE / "desk.toml"))
    s += [desk.replay(read(CARE / "case-holiday.toml")), desk.route("Чек не найден в ФНС")]
    s += [*desk.prompts("fns-recheck"), desk.reply("fns-recheck", {"sum": "сто"})]
    s += [desk.open_segment_case("limit", {"limit": "2"}, at=datetime.datetime(2026, 3, 6, 17, 0))]
    s += [*desk.queue([read(CARE / "case-reopen.json")], now=datetime.datetime(2026, 5, 1))]
    s += [chek.engage.care.care_identity(read(CARE / "identity.toml"))]
    care = chek.Ledger(str(tmp / "care.sqlite"))
    call = {"kind": "message", "at": "2026-03-03T09:00:00", "channel": "phone", "from": "+79123456789", "text": "?"}
    viber = {"kind": "message", "at": "2026-03-03T09:30:00", "channel": "viber", "from": "01aB==", "text": "?"}
    s += [chek.engage.care.care_record(care, "CALL-1", "c1", call), chek.engage.care.care_record(care, "VB-1", "v1", viber)]
    at = datetime.datetime(2026, 3, 3, 9, 40)
    s.append(chek.engage.care.care_link(care, "phone:+79123456789", "viber:01aB==", "messenger_contact", at=at))
    merged = chek.engage.care.care_merge(care, "VB-1", "CALL-1", at=at)
    s += [merged, chek.engage.care.care_unmerge(care, merged.merge.id, by="olga", at=at), *chek.engage.care.care_merges(care)]

    config = read(NOTIFY / "config.toml")
    notify = chek.Ledger(str(tmp / "notify.sqlite"))
    plan = chek.engage.notify.plan_notifications(
        config, read(NOTIFY / "events.json"), contacts=read(NOTIFY / "contacts.json"), now=NOW, ledger=notify
    )
    who = {"id": "c1", "phone": "+79161234567", "zone": "Europe/Moscow"}
    last_call = chek.engage.notify.call_outcome(
        {"provider": "uis", "finish_reason": "subscriber_not_responsible"},
        key="k",
        recipient=who,
        purpose="debt",
        attempt=3,
        config=config,
        sms_text="Оплатите счёт.",
        now=NOW,
    )
    assert last_call.fallback_sms is not None
    batch = chek.engage.notify.call_outcomes([{"key": "b", "report": 5}], now=NOW)
    text = chek.engage.notify.render_notification("Заказ {n|plural:f,позиция,позиции,позиций} готов, " * 5, {"n": 21})
    again = chek.engage.notify.plan_notifications(config, read(NOTIFY / "events.json"), now=NOW, ledger=notify)
    assert again.skipped
    s += [text, plan, *plan.messages, again, *again.skipped, last_call, *batch]
    s += [*chek.engage.notify.notify_contacts(notify), *chek.engage.notify.notify_plans(notify)]

    programme = chek.engage.loyalty.LoyaltyProgramme.example()
    card = "4600682000013"
    s += [programme, chek.engage.loyalty.LoyaltyRegistry([card]).sms(programme, "89161234567", card, now=NOW)]
    cards = chek.engage.loyalty.LoyaltyLedger(chek.Ledger(str(tmp / "cards.sqlite")), programme)
    cards.issue([card], now=NOW)
    s.append(cards.sms("89161234567", card, event_id="e1", now=NOW))
    s += [chek.engage.feedback.Survey.from_toml(read(REPO / "examples" / "engage" / "survey.toml"))]
    s += [chek.ru.measure_sms("Привет, мир")]
    return s


def telegram_samples(server: Server) -> list[object]:
    """Updates as a webhook receives them (a photo, a document) and a `getFile` answer from the
    local server."""
    token = "123:TOKEN"
    update = chek.channels.parse_update(
        '{"update_id": 1, "message": {"message_id": 2, "date": 1764950400, "caption": "чек",'
        ' "chat": {"id": 42, "type": "private", "first_name": "Анна"},'
        ' "from": {"id": 42, "is_bot": false, "first_name": "Анна", "language_code": "ru"},'
        ' "photo": [{"file_id": "a", "file_unique_id": "ua", "width": 90, "height": 120, "file_size": 900},'
        ' {"file_id": "b", "file_unique_id": "ub", "width": 960, "height": 1280}]}}'
    )
    doc = chek.channels.parse_update(
        '{"update_id": 3, "message": {"message_id": 4, "date": 0, "chat": {"id": 42, "type": "private"},'
        ' "document": {"file_id": "d", "file_unique_id": "ud", "file_name": "чек.pdf", "mime_type": "application/pdf"}}}'
    )
    server.routes[("POST", f"/bot{token}/getFile")] = Reply(
        200, '{"ok": true, "result": {"file_id": "b", "file_unique_id": "ub", "file_path": "photos/file_1.jpg"}}'
    )
    file = chek.channels.Telegram(token, base_url=server.url, timeout=2.0).get_file("b")
    m, d = update.message, doc.message
    assert m is not None and m.from_user is not None and d is not None and d.document is not None
    return [update, doc, m, d, m.chat, m.from_user, *m.photo, d.document, file]


def bot_samples(tmp: Path, server: Server) -> list[object]:
    """A bot's poll of two updates (a command and a receipt) against the local server."""
    token = "123:TOKEN"
    sender = '"from": {"id": 42, "is_bot": false, "first_name": "Анна"}, "chat": {"id": 42, "type": "private"}'
    updates = (
        f'{{"ok": true, "result": [{{"update_id": 1, "message": {{"message_id": 1, "date": 1795251600, {sender},'
        f' "text": "/start"}}}}, {{"update_id": 2, "message": {{"message_id": 2, "date": 1795251600, {sender},'
        f' "text": "{read(DEMO / "qr.txt").split()[0]}"}}}}]}}'
    )
    server.routes[("POST", f"/bot{token}/getUpdates")] = Reply(200, updates)
    server.routes[("POST", f"/bot{token}/sendMessage")] = Reply(
        200, '{"ok": true, "result": {"message_id": 9, "date": 0, "chat": {"id": 42, "type": "private"}}}'
    )
    engine = chek.Engine(read(DEMO / "campaign.toml"), chek.Ledger(str(tmp / "bot.sqlite")))
    bot = chek.bot.TelegramBot(engine, chek.channels.Telegram(token, base_url=server.url, timeout=2.0))
    poll = bot.poll_once(now=NOW)
    assert [h.kind for h in poll.handled] == ["start", "receipt"] and poll.dispatch.sent == 2
    return [bot, poll, *poll.handled]


def broken_chain(tmp: Path) -> chek.ChainReport:
    """A ledger whose accrual was edited with SQL behind chek's back: its chain report breaks."""
    path = tmp / "broken.sqlite"
    ledger = chek.Ledger(str(path))
    engine = chek.Engine(read(DEMO / "campaign.toml"), ledger)
    assert engine.submit("anna", qr=read(DEMO / "qr.txt").split()[0], received_at=NOW).status == "accepted"
    con = sqlite3.connect(path)
    con.executescript("DROP TRIGGER accruals_no_update; UPDATE accruals SET lots = lots + 1;")
    con.close()
    report = ledger.verify_chain()
    assert report.broken is not None
    return report


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[object]]]:
    server = Server()
    try:
        values = build(tmp_path_factory.mktemp("types"), server)
    finally:
        server.close()
    by: dict[str, list[object]] = {}
    for v in values:
        t = type(v)
        by.setdefault(f"{t.__module__}.{t.__name__}", []).append(v)
    yield by


def public_name(cls: type) -> str:
    """The name a class has where it is exported (its `__module__` is the native `chek`)."""
    for qualified, c in exported_classes().items():
        if c is cls:
            return qualified
    raise AssertionError(f"{cls} is not exported")


WITH_TO_DICT = sorted(n for n, c in exported_classes().items() if hasattr(c, "to_dict"))


def test_every_exported_class_with_to_dict_has_a_sample(samples: dict[str, list[object]]) -> None:
    have = {public_name(type(v[0])) for v in samples.values()}
    missing = set(WITH_TO_DICT) - have
    if not shutil.which("tesseract"):
        missing.discard("chek.OcrResult")
    assert not missing, f"no sample of {sorted(missing)}"
    assert len(WITH_TO_DICT) >= 60


def is_plain_json(v: Any) -> bool:
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, list):
        return all(is_plain_json(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and is_plain_json(x) for k, x in v.items())
    return False


@pytest.mark.parametrize("name", WITH_TO_DICT)
def test_to_dict_is_json_ready(name: str, samples: dict[str, list[object]]) -> None:
    cls = exported_classes()[name]
    values = [v for vs in samples.values() for v in vs if type(v) is cls]
    if not values and name == "chek.OcrResult":
        pytest.skip("tesseract is not installed")
    assert values
    for v in values:
        d = v.to_dict()  # type: ignore[attr-defined]
        assert isinstance(d, dict) and d
        text = json.dumps(d, ensure_ascii=False)
        assert json.loads(text) == d, f"{name}.to_dict() does not survive JSON: {d!r}"
        assert is_plain_json(d)


# Rust's Debug output: Option, Vec, paths, and its double-quoted strings.
RUST = re.compile(r"Some\(|::|\bVec\b|\[\"|\(\"|=\"")


def reprs(samples: dict[str, list[object]], tmp: Path) -> list[str]:
    out = [repr(v) for vs in samples.values() for v in vs]
    ledger = chek.Ledger(str(tmp / "r.sqlite"))
    programme = chek.engage.loyalty.LoyaltyProgramme.example()
    survey = chek.engage.feedback.Survey.from_toml(read(REPO / "examples" / "engage" / "survey.toml"))
    experiment = chek.engage.feedback.Experiment.of_survey(survey)
    assert experiment is not None
    out += [
        repr(ledger),
        repr(chek.Engine(read(DEMO / "campaign.toml"), ledger)),
        repr(chek.engage.care.CareDesk(read(CARE / "desk.toml"))),
        repr(chek.engage.loyalty.LoyaltyRegistry(["4600682000013"])),
        repr(chek.engage.loyalty.LoyaltyLedger(ledger, programme)),
        repr(chek.engage.feedback.FeedbackLedger(ledger, survey, b"k" * 16)),
        repr(chek.engage.feedback.FeedbackState()),
        repr(experiment),
        repr(chek.ru.ProductionCalendar()),
        repr(chek.channels.Telegram("123:TOKEN", base_url="http://127.0.0.1:9")),
    ]
    return out


def test_no_rust_syntax_in_any_repr(samples: dict[str, list[object]], tmp_path: Path) -> None:
    shown = reprs(samples, tmp_path)
    assert len(shown) > 100
    bad = [r for r in shown if RUST.search(r)]
    assert not bad, bad[:5]
    # Each names its class and shows values as Python does.
    for r in shown:
        assert re.match(r"^<?[A-Za-z.]+[( ]", r), r


def test_reprs_read_like_python() -> None:
    qr = chek.parse_qr(QR)
    assert repr(qr) == f"FiscalQr('{QR}')"
    item = chek.Receipt.from_fns_json(read(shared_dir() / "fixtures" / "fns" / "irkkt-ticket-2023-lenta.json")).items[0]
    assert re.fullmatch(r"Item\(name='.+', quantity=[\d.]+, sum=Decimal\('\d+\.\d\d'\)\)", repr(item)), repr(item)
    assert repr(chek.NextAction) != ""  # the class itself
    done = chek.RecheckPolicy(escalate_when_exhausted=False).next([], now=NOW)
    assert repr(done) == f"NextAction(action='retry_at', at={NOW!r})"
    assert "None" in repr(chek.scan(noise_png(48)))  # fiscal=None, as Python writes it
    # A quote inside a value is escaped the way Python escapes it.
    example = read(REPO / "examples" / "engage" / "survey.toml")
    quoted = chek.engage.feedback.Survey.from_toml(re.sub(r'(?m)^id = ".*"$', 'id = "it\'s"', example))
    assert repr(quoted) == 'Survey("it\'s")'
