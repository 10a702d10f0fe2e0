"""CRM-triggered notifications: templates rendered as SMS and speech, plans under the contact policy, call outcomes and retries; with `ledger=` the contact history lives in a `chek.Ledger`.

Every `now`/`until` here is UTC: naive datetimes are taken as UTC, aware ones are converted.
"""

from chek._chek import (
    CallFailure,
    CallResult,
    ContactRecord,
    NotificationPlan,
    NotificationText,
    PlannedMessage,
    SkippedMessage,
    StoredPlan,
    render_notification,
    plan_notifications,
    call_outcome,
    call_outcomes,
    notify_contacts,
    notify_plans,
)

__all__ = [
    "NotificationText",
    # typed results
    "NotificationPlan",
    "PlannedMessage",
    "SkippedMessage",
    "CallResult",
    "CallFailure",
    "ContactRecord",
    "StoredPlan",
    # functions
    "render_notification",
    "plan_notifications",
    "call_outcome",
    "call_outcomes",
    "notify_contacts",
    "notify_plans",
]
