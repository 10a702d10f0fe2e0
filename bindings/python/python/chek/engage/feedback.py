"""Rating → review → bonus with A/B tests (chek-ab-v1), signed review links; `FeedbackLedger` keeps the state in a `chek.Ledger`."""

from chek._chek import (
    Survey,
    Experiment,
    FeedbackState,
    FeedbackLedger,
    ab_bucket,
    ab_report,
    ab_events,
    ab_report_events,
    ab_sample_size,
    two_proportion_z,
    prob_beat,
    review_token_info,
    open_review_token,
    check_review_url,
    wilson,
)

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
