-- Engagement state (chek-engage flows): one row per entity, a JSON document each, and the events
-- already applied, so a retried event returns its first result and changes nothing.
CREATE TABLE engage_docs (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    -- A second key to find documents by (a card's phone, a bonus's client, a case's customer).
    grp TEXT,
    doc TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX engage_docs_grp ON engage_docs (kind, grp) WHERE grp IS NOT NULL;

CREATE TABLE engage_events (
    flow TEXT NOT NULL,
    id TEXT NOT NULL,
    result TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (flow, id)
) WITHOUT ROWID;
