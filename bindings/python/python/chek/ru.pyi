"""Russian language and calendar for customer messages: plurals, numbers and money in words in every case, names, speech, phones, the production calendar, SMS length."""

import datetime
import decimal
import os
from typing import Any, Final, Iterable, Mapping, Optional, Sequence, Tuple, Union, final

@final
class SmsLength:
    @property
    def encoding(self) -> str: ...
    @property
    def units(self) -> int: ...
    @property
    def chars(self) -> int: ...
    @property
    def segments(self) -> int: ...
    @property
    def per_segment(self) -> int: ...
    @property
    def free_in_last(self) -> int: ...
    @property
    def fits_one(self) -> bool: ...
    def cost_kopecks(self, price_per_segment: int) -> int: ...
    def to_save_segment(self) -> Optional[int]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

def measure_sms(text: str) -> SmsLength: ...

def split_sms(text: str) -> list[str]: ...


# ---------------------------------------------------------------- the main job

def plural_category(number: Union[int, str]) -> str: ...

def amount_sms(kopecks: int) -> str: ...

def amount_spoken(kopecks: int) -> str: ...

def amount_spoken_in(kopecks: int, case: str = "nom", digits: bool = False) -> str:
    """Money in words in a case: "acc" «тысячу пятьсот рублей», "gen", "dat", "ins", "prep"."""

def number_in_words(n: int, gender: str = "m", case: str = "nom") -> str:
    """A whole number in words: number_in_words(21, "f", "gen") == "двадцати одной"."""

def expand_abbreviations(text: str) -> str:
    """Speech text: «ул. Ленина, д. 5» → «улица Ленина, дом 5»."""

def person_name(text: str) -> Optional[dict[str, Any]]:
    """{given, patronymic, surname, polite, full}; None for no letters or an organisation."""

def phone_e164(raw: str) -> Optional[str]:
    """E.164 by the one normaliser of every flow, or None when not a phone number."""

def phone_problem(raw: str) -> Optional[str]:
    """"phone.empty" | "phone.too_long" | "phone.bad_char" | "phone.bad_digits", or None."""

@final
class ProductionCalendar:
    """The Russian production calendar (decrees 2024–2027, Art. 112 beyond) with host days."""
    def __new__(
        cls,
        text: Optional[str] = None,
        days: Optional[Sequence[Tuple[datetime.date, str]]] = None,
        exact_years: Optional[Sequence[int]] = None,
    ) -> "ProductionCalendar": ...
    def day_kind(self, date: datetime.date) -> str: ...
    def is_working_day(self, date: datetime.date) -> bool: ...
    def is_shortened(self, date: datetime.date) -> bool: ...
    def next_working_day(self, date: datetime.date) -> datetime.date: ...
    def working_days_between(self, start: datetime.date, end: datetime.date) -> int: ...
    def is_exact(self, year: int) -> bool: ...
    def warning(self, date: datetime.date) -> Optional[dict[str, Any]]: ...
    def install(self) -> None: ...
    @staticmethod
    def uninstall() -> None: ...
    @staticmethod
    def source(year: int) -> Optional[str]: ...

# ---------------------------------------------------------------- loyalty cards

__all__ = [
    "plural_category",
    "amount_sms",
    "amount_spoken",
    "amount_spoken_in",
    "number_in_words",
    "expand_abbreviations",
    "person_name",
    "phone_e164",
    "phone_problem",
    "ProductionCalendar",
    "SmsLength",
    "measure_sms",
    "split_sms",
]
