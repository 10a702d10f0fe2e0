"""Loyalty-card activation by SMS, form, website and till, with replies measured as SMS; `LoyaltyLedger` keeps the cards in a `chek.Ledger`."""

import datetime
import decimal
import os
from typing import Any, Final, Iterable, Mapping, Optional, Sequence, Tuple, Union, final
from chek import Ledger

@final
class LoyaltyProgramme:
    """Card formats and reply templates of a loyalty programme."""

    @staticmethod
    def from_toml(text: str) -> "LoyaltyProgramme": ...
    @staticmethod
    def from_json(text: str) -> "LoyaltyProgramme": ...
    @staticmethod
    def example() -> "LoyaltyProgramme": ...
    @property
    def name(self) -> str: ...
    def check_replies(self) -> list[dict[str, Any]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class LoyaltyExchange:
    """The next registry, the outcome and the reply SMS of one request."""

    @property
    def registry(self) -> "LoyaltyRegistry": ...
    @property
    def code(self) -> str: ...
    @property
    def success(self) -> bool: ...
    @property
    def outcome(self) -> dict[str, Any]: ...
    @property
    def hints(self) -> dict[str, str]: ...
    @property
    def reply(self) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class LoyaltyResult:
    """What one request to a ledger-backed registry came to."""

    @property
    def code(self) -> str: ...
    @property
    def success(self) -> bool: ...
    @property
    def replayed(self) -> bool: ...
    @property
    def outcome(self) -> dict[str, Any]: ...
    @property
    def hints(self) -> dict[str, str]: ...
    @property
    def reply(self) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class LoyaltyLedger:
    """The cards of a programme kept in a Ledger: each request one transaction."""

    def __new__(cls, ledger: Ledger, programme: LoyaltyProgramme) -> "LoyaltyLedger": ...
    def issue(
        self,
        cards: Sequence[str],
        *,
        blocked: Sequence[str] = ...,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
    ) -> int: ...
    def sms(
        self,
        from_: str,
        text: str,
        *,
        event_id: Optional[str] = None,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def form(
        self,
        card: str,
        phone: str = "",
        *,
        operator: str = "operator",
        sms_from: Optional[str] = None,
        fields: Optional[Mapping[str, str]] = None,
        event_id: Optional[str] = None,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def website(
        self,
        account: str,
        card: str,
        phone: str,
        *,
        event_id: Optional[str] = None,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def till(
        self,
        cashier: str,
        card: str,
        phone: str,
        *,
        can_activate: bool,
        event_id: Optional[str] = None,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def confirm(
        self,
        card: str,
        *,
        operator: str = "operator",
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def reject(
        self,
        card: str,
        *,
        operator: str = "operator",
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def block(
        self,
        card: str,
        *,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyResult: ...
    def card(self, number: str) -> Optional[dict[str, Any]]: ...
    def export(self) -> list[dict[str, Any]]: ...
    def registry(self) -> "LoyaltyRegistry": ...
    def import_registry(
        self, registry: "LoyaltyRegistry", *, now: Optional[datetime.datetime] = None, tz: Optional[Union[datetime.tzinfo, str]] = None
    ) -> int: ...

@final
class LoyaltyRegistry:
    """Cards and their phones; every operation returns a LoyaltyExchange with the next value."""

    def __new__(cls, cards: Sequence[str] = ...) -> "LoyaltyRegistry": ...
    def issue(self, cards: Sequence[str]) -> "LoyaltyRegistry": ...
    def sms(
        self,
        programme: LoyaltyProgramme,
        from_: str,
        text: str,
        *,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def form(
        self,
        programme: LoyaltyProgramme,
        card: str,
        phone: str = "",
        *,
        operator: str = "operator",
        sms_from: Optional[str] = None,
        fields: Optional[Mapping[str, str]] = None,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def website(
        self,
        programme: LoyaltyProgramme,
        account: str,
        card: str,
        phone: str,
        *,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def till(
        self,
        programme: LoyaltyProgramme,
        cashier: str,
        card: str,
        phone: str,
        *,
        can_activate: bool,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def confirm(
        self,
        programme: LoyaltyProgramme,
        card: str,
        *,
        operator: str = "operator",
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def reject(
        self,
        programme: LoyaltyProgramme,
        card: str,
        *,
        operator: str = "operator",
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def block(
        self,
        programme: LoyaltyProgramme,
        card: str,
        *,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
        lang: str = "ru",
    ) -> LoyaltyExchange: ...
    def card(self, number: str) -> Optional[dict[str, Any]]: ...
    def card_of(self, phone: str) -> Optional[str]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> "LoyaltyRegistry": ...
    def __len__(self) -> int: ...
    __hash__: None  # type: ignore[assignment]

def extract_card(text: str, programme: LoyaltyProgramme) -> str: ...

def normalize_phone(raw: str) -> str: ...

# ---------------------------------------------------------------- rating → review → bonus

__all__ = [
    "LoyaltyProgramme",
    "LoyaltyRegistry",
    "LoyaltyExchange",
    "LoyaltyLedger",
    "LoyaltyResult",
    "extract_card",
    "normalize_phone",
]
