"""Engagement flows beside receipt campaigns: loyalty cards, feedback with A/B tests, notifications and the care desk (the Rust crate chek-engage)."""

from chek.engage import care as care, feedback as feedback, loyalty as loyalty, notify as notify

__all__ = ["care", "feedback", "loyalty", "notify"]
