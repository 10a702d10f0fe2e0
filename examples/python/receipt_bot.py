"""A chat-bot-style handler: a shopper sends a photo of a receipt, the bot answers with text.

Everything the answer says comes from chek: what is wrong with the photo (`ScanResult
.diagnostics`), why the receipt does not count (`Decision.reasons`), each with a hint the
shopper can act on, in Russian or English. Wire `ReceiptBot.handle_photo` to the photo handler
of any bot framework (aiogram, python-telegram-bot…); run the blocking calls in a thread pool
(`asyncio.to_thread`): chek releases the GIL while it scans and verifies.

    >>> from pathlib import Path
    >>> bot = ReceiptBot(chek.Campaign.from_file("examples/python/campaign.toml"))
    >>> bot.handle_photo("tg:42", Path("examples/python/receipt-qr.png").read_bytes())  # doctest: +SKIP
    'Чек принят! Шансов в розыгрыше: 2 (всего: 2).'
"""

from __future__ import annotations

import datetime
from typing import Optional, Union

import chek

Verifier = Union[chek.FnsMobile, chek.CheckApi]

TEXTS = {
    "ru": {
        "accepted": "Чек принят! Шансов в розыгрыше: {lots} (всего: {total}).",
        "pending": "Чек получен и ждёт проверки: {hint}",
        "rejected": "Чек не засчитан: {hint}",
    },
    "en": {
        "accepted": "Receipt accepted! Lots in the draw: {lots} (total: {total}).",
        "pending": "Receipt received and waiting for a check: {hint}",
        "rejected": "The receipt does not count: {hint}",
    },
}


class ReceiptBot:
    """Keeps each shopper's history in memory (a real bot keeps it in the ledger)."""

    def __init__(self, campaign: chek.Campaign, verifier: Optional[Verifier] = None, lang: str = "ru") -> None:
        self.campaign = campaign
        self.verifier = verifier
        self.lang = lang
        self.histories: dict[str, chek.History] = {}

    def handle_photo(self, user: str, photo: bytes, now: Optional[datetime.datetime] = None) -> str:
        """The reply to a photo: why it cannot be read, or the campaign's decision."""
        try:
            scanned = chek.scan(photo)
        except chek.ChekError as e:  # not an image, too large, damaged…
            return e.hints[self.lang]
        if scanned.fiscal is None:
            return scanned.diagnostics[0].hints[self.lang]
        return self._decide(user, chek.Candidate(scanned.fiscal, "qr"), now)

    def handle_text(self, user: str, text: str, now: Optional[datetime.datetime] = None) -> str:
        """The reply to typed receipt details (`фн … фд … фп … дата сумма`) or a QR string."""
        try:
            return self._decide(user, chek.Candidate(chek.parse_qr(text)), now)
        except chek.QrError:
            pass
        reading = chek.parse_manual(text)
        if not reading.complete:
            return "\n".join(p.hints[self.lang] for p in reading.problems if p.kind != "doubtful")
        return self._decide(user, reading.to_candidate(), now)

    def _decide(self, user: str, candidate: chek.Candidate, now: Optional[datetime.datetime]) -> str:
        if self.verifier is not None:
            answer = self.verifier.verify(candidate)
            if answer.receipt is not None:
                candidate = chek.Candidate(candidate.qr, candidate.channel, answer.receipt)
            elif answer.is_final:
                return answer.hints[self.lang]
        history = self.histories.get(user, chek.History(user))
        decision = self.campaign.evaluate(candidate, history, now=now)
        texts = TEXTS[self.lang]
        if decision.accepted:
            self.histories[user] = _credited(history, decision, now)
            return texts["accepted"].format(lots=decision.lots, total=history.campaign_lots + decision.lots)
        blocking = [r for r in decision.reasons if r.effect != "info"]
        hint = " ".join(r.hints[self.lang] for r in blocking)
        return texts[decision.status].format(hint=hint)


def _credited(history: chek.History, decision: chek.Decision, now: Optional[datetime.datetime]) -> chek.History:
    at = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    past = chek.PastReceipt(decision.receipt, at, lots=decision.lots, points=decision.points)
    return chek.History(
        history.participant,
        [*history.receipts, past],
        history.claimed_by_others,
        history.campaign_lots + decision.lots,
        history.campaign_points + decision.points,
    )
