"""Awaitable versions of chek's blocking calls (``asyncio.to_thread``; the GIL is released meanwhile)."""

import datetime
import os
from typing import Any, Iterable, Mapping, Optional, Union

from chek.channels import File, Message, Telegram, Update
from chek import (
    Candidate,
    ChekError,
    CheckApi,
    Engine,
    FiscalQr,
    FnsMobile,
    OcrResult,
    Outcome,
    Photo,
    ScanResult,
    VerifyResult,
)

async def scan(
    photo: Photo,
    *,
    max_bytes: Optional[int] = None,
    max_pixels: Optional[int] = None,
    max_side: Optional[int] = None,
    budget: Optional[float] = None,
    diagnose: bool = True,
    stop_at_any_code: bool = False,
) -> ScanResult: ...
async def ocr(
    photo: Photo,
    *,
    tesseract: Optional[Union[str, "os.PathLike[str]"]] = None,
    languages: Optional[str] = None,
    psm: Optional[int] = None,
    timeout: Optional[float] = None,
) -> OcrResult: ...
async def verify(
    verifier: Union[FnsMobile, CheckApi], receipt: Union[FiscalQr, Candidate, str]
) -> VerifyResult: ...
async def submit(
    engine: Engine,
    participant: str,
    *,
    qr: Optional[str] = None,
    photo: Optional[Photo] = None,
    ocr_text: Optional[str] = None,
    manual: Optional[str] = None,
    idempotency_key: Optional[str] = None,
    lang: str = "ru",
    received_at: Optional[datetime.datetime] = None,
) -> Outcome: ...
async def submit_batch(
    engine: Engine, submissions: Iterable[Mapping[str, Any]]
) -> list[Union[Outcome, ChekError]]: ...
async def recheck(
    engine: Engine, *, now: Optional[datetime.datetime] = None, limit: int = 1000
) -> list[Outcome]: ...
async def get_updates(
    bot: Telegram, offset: Optional[int] = None, limit: int = 100, timeout: Optional[float] = None
) -> list[Update]: ...
async def get_file(bot: Telegram, file_id: str) -> File: ...
async def download(bot: Telegram, file: File) -> bytes: ...
async def send_message(bot: Telegram, chat_id: int, text: str) -> Message: ...

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
