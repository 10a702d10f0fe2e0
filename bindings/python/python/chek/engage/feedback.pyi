"""Rating → review → bonus with A/B tests (chek-ab-v1), signed review links; `FeedbackLedger` keeps the state in a `chek.Ledger`."""

import datetime
import decimal
import os
from typing import Any, Final, Iterable, Mapping, Optional, Sequence, Tuple, Union, final
from chek import Ledger

@final
class Survey:
    """Criteria rated 1–10, threshold, mode ("compliant" or "gated"), bonus, review URL."""

    @staticmethod
    def from_toml(text: str) -> "Survey": ...
    @staticmethod
    def from_json(text: str) -> "Survey": ...
    @property
    def id(self) -> str: ...
    @property
    def criteria(self) -> list[str]: ...
    @property
    def threshold(self) -> int: ...
    @property
    def mode(self) -> str: ...
    def policy_risks(self) -> list[dict[str, Any]]: ...
    def rate(self, scores: Sequence[int]) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...
    __hash__: None  # type: ignore[assignment]

@final
class Experiment:
    """An A/B experiment assigned by chek-ab-v1."""

    @staticmethod
    def from_toml(text: str) -> "Experiment": ...
    @staticmethod
    def from_json(text: str) -> "Experiment": ...
    @staticmethod
    def of_survey(survey: Survey) -> Optional["Experiment"]: ...
    @property
    def name(self) -> str: ...
    @property
    def variants(self) -> list[str]: ...
    def assign(self, client: str) -> str: ...
    __hash__: None  # type: ignore[assignment]

@final
class FeedbackLedger:
    """Rating → review → bonus kept in a Ledger: each call one transaction."""

    def __new__(cls, ledger: Ledger, survey: Survey, key: bytes) -> "FeedbackLedger": ...
    def answer(
        self,
        *,
        client: str,
        response: str,
        scores: Sequence[int],
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
    ) -> dict[str, Any]: ...
    def click(
        self,
        token: str,
        *,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
    ) -> dict[str, Any]: ...
    def visit(
        self, client: str, visit: str, *, now: Optional[datetime.datetime] = None, tz: Optional[Union[datetime.tzinfo, str]] = None
    ) -> dict[str, Any]: ...
    def state(self) -> "FeedbackState": ...
    def import_state(
        self, state: "FeedbackState", *, now: Optional[datetime.datetime] = None, tz: Optional[Union[datetime.tzinfo, str]] = None
    ) -> None: ...

@final
class FeedbackState:
    """Answers, clicks, bonuses, A/B assignments; operations return (next_state, outcome)."""

    def __new__(cls) -> "FeedbackState": ...
    def answer(
        self,
        survey: Survey,
        key: bytes,
        *,
        client: str,
        response: str,
        scores: Sequence[int],
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
    ) -> tuple["FeedbackState", dict[str, Any]]: ...
    def click(
        self,
        survey: Survey,
        key: bytes,
        token: str,
        *,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
    ) -> tuple["FeedbackState", dict[str, Any]]: ...
    def visit(
        self,
        client: str,
        visit: str,
        *,
        now: Optional[datetime.datetime] = None,
        tz: Optional[Union[datetime.tzinfo, str]] = None,
    ) -> tuple["FeedbackState", dict[str, Any]]: ...
    def ab_report(self, experiment: Experiment, *, mde: float = ...) -> dict[str, Any]: ...
    def __len__(self) -> int: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> "FeedbackState": ...
    __hash__: None  # type: ignore[assignment]

def ab_bucket(experiment: str, client: str) -> int: ...

def ab_report(
    experiment: Experiment, observations: Sequence[tuple[str, bool]], *, mde: float = ...
) -> dict[str, Any]: ...

def wilson(converted: int, exposed: int, *, z: float = ...) -> tuple[float, float]: ...

def ab_events(text: str) -> dict[str, Any]:
    """Strict `client,converted` CSV: {"clients": [(client, converted)], "lines", "repeats", "converted"}."""

def ab_report_events(experiment: Experiment, text: str, *, mde: float = ...) -> dict[str, Any]: ...

def two_proportion_z(conv_a: int, n_a: int, conv_b: int, n_b: int) -> tuple[float, float]: ...

def prob_beat(conv_a: int, n_a: int, conv_b: int, n_b: int) -> float: ...

def ab_sample_size(base: float, mde: float) -> Optional[int]: ...

def review_token_info(link: str) -> dict[str, Any]:
    """The token of a review link, not verified: {"token", "version", "seq"}."""

def open_review_token(key: bytes, survey_id: str, link: str) -> int: ...

def check_review_url(url: str) -> None: ...

# ---------------------------------------------------------------- care desk

__all__ = [
    "Survey",
    "Experiment",
    "FeedbackState",
    "FeedbackLedger",
    "ab_bucket",
    "ab_report",
    "ab_events",
    "ab_report_events",
    "ab_sample_size",
    "two_proportion_z",
    "prob_beat",
    "review_token_info",
    "open_review_token",
    "check_review_url",
    "wilson",
]
