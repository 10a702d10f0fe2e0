"""`chek.bot.TelegramBot`: the demo campaign behind a bot, against the stand-in Bot API of
test_channels.py (Python's http.server in a thread), on a real SQLite ledger and the demo photo:
one reply per update in the shopper's language, nothing repeated after a restart, and a
sender that raises `chek.ChannelError` retried by the outbox."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import chek
from chek.bot import TelegramBot
from helpers import REPO
from test_channels import TOKEN, Answer, BotApi, api, api_error, bot, ok  # noqa: F401

DATE = int(datetime.datetime(2026, 11, 21, 9, 0, tzinfo=datetime.timezone.utc).timestamp())
NOW = datetime.datetime(2026, 11, 21, 9, 0, 5)
QR = "t=20261118T2004&s=2210.00&fn=7380440801185382&i=169402&fp=1183349520&n=1"
CAMPAIGN = (REPO / "examples" / "demo" / "campaign.toml").read_text(encoding="utf-8")


def update(update_id: int, user: int, lang: str, **fields: object) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id * 10,
            "date": DATE,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Анна", "language_code": lang},
            **fields,
        },
    }


def make_bot(api: BotApi, db: Path) -> TelegramBot:
    engine = chek.Engine(CAMPAIGN, chek.Ledger(str(db)))
    return TelegramBot(engine, bot(api, max_download=20 * 1024 * 1024))


def sent(api: BotApi) -> list[dict[str, object]]:
    return [s.json() for s in api.seen if s.path == api.method("sendMessage")]


def test_updates_get_one_reply_each_and_a_restart_repeats_nothing(api: BotApi, tmp_path: Path) -> None:
    photo = (REPO / "examples" / "demo" / "photos" / "01-receipt.jpg").read_bytes()
    api.routes[api.method("getUpdates")] = ok(
        [
            update(1, 11, "ru", text="/start"),
            update(2, 11, "ru", photo=[{"file_id": "P1", "file_unique_id": "p", "width": 960, "height": 1280}]),
            update(3, 22, "en", text=QR),
            update(4, 33, "ru", text="Позовите оператора"),
        ]
    )
    api.routes[api.method("getFile")] = ok({"file_id": "P1", "file_unique_id": "p", "file_size": len(photo), "file_path": "photos/p1.jpg"})
    api.routes[api.file("photos/p1.jpg")] = Answer(200, photo)
    api.routes[api.method("sendMessage")] = ok({"message_id": 9, "date": DATE, "chat": {"id": 1, "type": "private"}, "text": "x"})
    db = tmp_path / "bot.sqlite"
    b = make_bot(api, db)
    poll = b.poll_once(now=NOW)
    assert [h.kind for h in poll.handled] == ["start", "receipt", "receipt", "operator"]
    assert poll.dispatch.sent == 4
    photo_update = poll.handled[1]
    assert photo_update.participant == "tg:11"
    assert photo_update.outcome is not None and photo_update.outcome.status == "accepted"
    texts = {m["chat_id"]: m["text"] for m in sent(api)}
    assert str(texts[22]).startswith("Receipt accepted! ")
    assert str(texts[33]).startswith("Передали ваш вопрос оператору")
    json.dumps(poll.to_dict())
    assert "BotPoll(handled=4, sent=4)" == repr(poll)

    # The cursor is in the ledger: a new bot asks from update 5 and sends nothing again.
    api.routes[api.method("getUpdates")] = ok([])
    again = make_bot(api, db).poll_once(now=NOW)
    assert again.handled == [] and again.dispatch.sent == 0
    last = [s.json() for s in api.seen if s.path == api.method("getUpdates")][-1]
    assert last["offset"] == 5
    assert len(sent(api)) == 4


def test_a_rate_limited_reply_is_retried_by_the_outbox(api: BotApi, tmp_path: Path) -> None:
    api.routes[api.method("getUpdates")] = ok([update(1, 5, "ru", text="/status")])
    api.routes[api.method("sendMessage")] = api_error(429, "Too Many Requests: retry after 40", parameters={"retry_after": 40})
    b = make_bot(api, tmp_path / "bot.sqlite")
    poll = b.poll_once(now=NOW)
    assert poll.dispatch.retried == 1
    assert poll.handled[0].reply == "У вас пока нет чеков в акции. Пришлите фото чека с QR-кодом."
    api.routes[api.method("sendMessage")] = ok({"message_id": 9, "date": DATE, "chat": {"id": 5, "type": "private"}, "text": "x"})
    assert b.dispatch(now=NOW + datetime.timedelta(seconds=39)).claimed == 0
    assert b.dispatch(now=NOW + datetime.timedelta(seconds=40)).sent == 1


def test_telegram_down_raises_channel_error_and_keeps_the_update(api: BotApi, tmp_path: Path) -> None:
    api.routes[api.method("getUpdates")] = api_error(502, "Bad Gateway")
    b = make_bot(api, tmp_path / "bot.sqlite")
    try:
        b.poll_once(now=NOW)
        raise AssertionError("no error")
    except chek.ChannelError as e:
        assert e.code == "channel.unavailable"
        assert e.details["retryable"] is True
        assert TOKEN not in str(e)
