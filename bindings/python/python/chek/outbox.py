"""The outbox: every message chek sends is queued in a `chek.Ledger` first, once per key, then
claimed under a lease, sent, and finished with what the provider said; `Dispatcher` runs that
loop with Python callables as the channels' senders (the contact policy asked again at send
time, backoff and the provider's Retry-After, at most one more copy after a crash unless the
provider drops duplicates by key).

Times are UTC: naive datetimes are taken as UTC, aware ones converted.
"""

from chek._chek import (
    DispatchReport,
    Dispatcher,
    Enqueued,
    OutboxCounts,
    OutboxMessage,
)
from chek._chek import outbox_claim as claim
from chek._chek import outbox_counts as counts
from chek._chek import outbox_delivery as delivery
from chek._chek import outbox_enqueue as enqueue
from chek._chek import outbox_finish as finish
from chek._chek import outbox_get as get
from chek._chek import outbox_list as list

__all__ = [
    "DispatchReport",
    "Dispatcher",
    "Enqueued",
    "OutboxCounts",
    "OutboxMessage",
    "claim",
    "counts",
    "delivery",
    "enqueue",
    "finish",
    "get",
    "list",
]
