"""Loyalty-card activation by SMS, form, website and till, with replies measured as SMS; `LoyaltyLedger` keeps the cards in a `chek.Ledger`."""

from chek._chek import (
    LoyaltyProgramme,
    LoyaltyRegistry,
    LoyaltyExchange,
    LoyaltyLedger,
    LoyaltyResult,
    extract_card,
    normalize_phone,
)

__all__ = [
    "LoyaltyProgramme",
    "LoyaltyRegistry",
    "LoyaltyExchange",
    "LoyaltyLedger",
    "LoyaltyResult",
    "extract_card",
    "normalize_phone",
]
