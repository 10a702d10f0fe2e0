"""The chat-bot example (examples/python/receipt_bot.py): photo in, reply text out."""

from __future__ import annotations

import datetime
import sys

import chek
from helpers import REPO, gray_png, qr_png

sys.path.insert(0, str(REPO / "examples" / "python"))
import receipt_bot  # noqa: E402

EXAMPLES = REPO / "examples" / "python"
NOW = datetime.datetime(2024, 9, 20, 9, 0)
PHOTO = (EXAMPLES / "receipt-qr.png").read_bytes()


def bot(lang: str = "ru") -> receipt_bot.ReceiptBot:
    return receipt_bot.ReceiptBot(chek.Campaign.from_file(EXAMPLES / "campaign.toml"), lang=lang)


def test_a_good_photo_is_accepted_once() -> None:
    b = bot()
    assert b.handle_photo("tg:42", PHOTO, now=NOW) == "Чек принят! Шансов в розыгрыше: 2 (всего: 2)."
    again = b.handle_photo("tg:42", PHOTO, now=NOW)
    assert again.startswith("Чек не засчитан: ") and "уже зарегистрирован" in again
    assert b.histories["tg:42"].campaign_lots == 2


def test_english_replies() -> None:
    assert bot("en").handle_photo("tg:1", PHOTO, now=NOW) == "Receipt accepted! Lots in the draw: 2 (total: 2)."


def test_a_photo_without_a_qr_gets_photo_advice() -> None:
    reply = bot().handle_photo("tg:1", gray_png(300, 300, bytes([128]) * 90000), now=NOW)
    assert reply == chek.scan(gray_png(300, 300, bytes([128]) * 90000)).diagnostics[0].hints["ru"]
    assert "QR" in reply


def test_not_an_image() -> None:
    assert bot("en").handle_photo("tg:1", b"GIF89a" + bytes(64), now=NOW).startswith("This is not a JPEG")


def test_a_shop_qr_is_not_a_receipt() -> None:
    reply = bot("en").handle_photo("tg:1", qr_png("https://shop.example"), now=NOW)
    assert "not a receipt" in reply


def test_a_small_receipt_says_why() -> None:
    photo = qr_png("t=20240917T1801&s=120.00&fn=7281440500751551&i=30527&fp=1168453787&n=1")
    reply = bot("en").handle_photo("tg:1", photo, now=NOW)
    assert reply.startswith("The receipt does not count: ") and "500" in reply


def test_typed_details() -> None:
    b = bot("en")
    typed = "фн 7281440500751551 фд 30526 фп 1168453787 17.09.24 18:01 1285,21"
    reply = b.handle_text("tg:7", typed, now=NOW)
    assert reply.startswith("Receipt accepted!") or reply.startswith("Receipt received")
    missing = b.handle_text("tg:7", "фн 7281440500751551", now=NOW)
    assert "fiscal document number" in missing
