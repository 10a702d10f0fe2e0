"""Engagement flows beside receipt campaigns: loyalty cards, feedback with A/B tests, notifications and the care desk (the Rust crate chek-engage)."""

from chek.engage import care, feedback, loyalty, notify

__all__ = ["care", "feedback", "loyalty", "notify"]
