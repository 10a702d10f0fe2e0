"""Awaitable versions of chek's blocking calls, for asyncio bot frameworks (aiogram, python-telegram-bot…).

Each runs the blocking call in a worker thread (``asyncio.to_thread``); the native code releases
the GIL while it scans, verifies, writes the ledger or talks to Telegram, so the event loop keeps
serving other updates and several calls run at once. Signatures are those of the blocking calls
(the Telegram ones, ``get_updates``, ``get_file``, ``download`` and ``send_message``, take the
``chek.channels.Telegram`` client first); errors are the same typed ``chek.ChekError`` subclasses.

>>> import asyncio, chek
>>> async def handle(engine: chek.Engine, user: str, photo: bytes) -> str:
...     outcome = await chek.aio.submit(engine, user, photo=photo)
...     return outcome.text()
"""

from __future__ import annotations

import asyncio
import datetime
import os
from typing import Any, Iterable, Mapping, Optional, Union

from chek import _chek
from chek.channels import File, Message, Telegram, Update
from chek._chek import (
    Candidate,
    ChekError,
    CheckApi,
    Engine,
    FiscalQr,
    FnsMobile,
    OcrResult,
    Outcome,
    ScanResult,
    VerifyResult,
)

__all__ = [
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

_Photo = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", "os.PathLike[bytes]"]


async def scan(
    photo: _Photo,
    *,
    max_bytes: Optional[int] = None,
    max_pixels: Optional[int] = None,
    max_side: Optional[int] = None,
    budget: Optional[float] = None,
    diagnose: bool = True,
    stop_at_any_code: bool = False,
) -> ScanResult:
    """``chek.scan`` in a worker thread."""
    return await asyncio.to_thread(
        _chek.scan,
        photo,
        max_bytes=max_bytes,
        max_pixels=max_pixels,
        max_side=max_side,
        budget=budget,
        diagnose=diagnose,
        stop_at_any_code=stop_at_any_code,
    )


async def ocr(
    photo: _Photo,
    *,
    tesseract: Optional[Union[str, "os.PathLike[str]"]] = None,
    languages: Optional[str] = None,
    psm: Optional[int] = None,
    timeout: Optional[float] = None,
) -> OcrResult:
    """``chek.ocr`` in a worker thread."""
    return await asyncio.to_thread(
        _chek.ocr, photo, tesseract=tesseract, languages=languages, psm=psm, timeout=timeout
    )


async def verify(
    verifier: Union[FnsMobile, CheckApi], receipt: Union[FiscalQr, Candidate, str]
) -> VerifyResult:
    """``verifier.verify(receipt)`` (``FnsMobile`` or ``CheckApi``) in a worker thread."""
    return await asyncio.to_thread(verifier.verify, receipt)


async def submit(
    engine: Engine,
    participant: str,
    *,
    qr: Optional[str] = None,
    photo: Optional[_Photo] = None,
    ocr_text: Optional[str] = None,
    manual: Optional[str] = None,
    idempotency_key: Optional[str] = None,
    lang: str = "ru",
    received_at: Optional[datetime.datetime] = None,
) -> Outcome:
    """``engine.submit(participant, ...)`` in a worker thread."""
    return await asyncio.to_thread(
        engine.submit,
        participant,
        qr=qr,
        photo=photo,
        ocr_text=ocr_text,
        manual=manual,
        idempotency_key=idempotency_key,
        lang=lang,
        received_at=received_at,
    )


async def submit_batch(
    engine: Engine, submissions: Iterable[Mapping[str, Any]]
) -> list[Union[Outcome, ChekError]]:
    """``engine.submit_batch(submissions)`` in a worker thread."""
    return await asyncio.to_thread(engine.submit_batch, submissions)


async def recheck(
    engine: Engine, *, now: Optional[datetime.datetime] = None, limit: int = 1000
) -> list[Outcome]:
    """``engine.recheck(...)`` in a worker thread: asks the provider again about due receipts."""
    return await asyncio.to_thread(engine.recheck, now=now, limit=limit)


async def get_updates(
    bot: Telegram, offset: Optional[int] = None, limit: int = 100, timeout: Optional[float] = None
) -> list[Update]:
    """``bot.get_updates(...)`` (``chek.channels.Telegram``) in a worker thread: a long poll that
    leaves the event loop free."""
    return await asyncio.to_thread(bot.get_updates, offset, limit, timeout)


async def get_file(bot: Telegram, file_id: str) -> File:
    """``bot.get_file(file_id)`` in a worker thread."""
    return await asyncio.to_thread(bot.get_file, file_id)


async def download(bot: Telegram, file: File) -> bytes:
    """``bot.download(file)`` in a worker thread."""
    return await asyncio.to_thread(bot.download, file)


async def send_message(bot: Telegram, chat_id: int, text: str) -> Message:
    """``bot.send_message(chat_id, text)`` in a worker thread."""
    return await asyncio.to_thread(bot.send_message, chat_id, text)
