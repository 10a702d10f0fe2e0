"""The care desk: one customer across channels, routing, SLA in working time, quick replies; cases, links and merges in a `chek.Ledger`."""

from chek._chek import (
    CareDesk,
    CaseView,
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
    "care_identity",
    "care_import",
    "care_link",
    "care_merge",
    "care_merges",
    "care_record",
    "care_unmerge",
]
