"""CRM-triggered notifications: templates rendered as SMS and speech, plans under the contact policy, call outcomes and retries; with `ledger=` the contact history lives in a `chek.Ledger`."""

from chek._chek import (
    NotificationText,
    render_notification,
    plan_notifications,
    call_outcome,
    call_outcomes,
    notify_contacts,
    notify_plans,
)

__all__ = [
    "NotificationText",
    "render_notification",
    "plan_notifications",
    "call_outcome",
    "call_outcomes",
    "notify_contacts",
    "notify_plans",
]
