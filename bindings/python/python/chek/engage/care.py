"""The care desk: one customer across channels, routing, SLA in working time, quick replies; cases, links and merges in a `chek.Ledger`.

Care times (`now`, `at`) are the desk's local wall clock: naive datetimes are taken as they are;
a timezone-aware one is converted to `tz=` (a `datetime.tzinfo` or an IANA name), and without
`tz=` raises `chek.TimeZoneError`.
"""

from chek._chek import (
    CareDesk,
    CareMerge,
    CaseView,
    IdentityReport,
    LinkResult,
    MergeResult,
    Prompt,
    QueueItem,
    RecordedEvent,
    RenderedReply,
    Route,
    SegmentCase,
    care_identity,
    care_import,
    care_link,
    care_merge,
    care_merges,
    care_record,
    care_unmerge,
)

__all__ = [
    "CareDesk",
    "CaseView",
    # typed results
    "Route",
    "Prompt",
    "RenderedReply",
    "SegmentCase",
    "QueueItem",
    "IdentityReport",
    "RecordedEvent",
    "LinkResult",
    "MergeResult",
    "CareMerge",
    # functions
    "care_identity",
    "care_import",
    "care_link",
    "care_merge",
    "care_merges",
    "care_record",
    "care_unmerge",
]
