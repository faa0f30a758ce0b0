-- dossier storage/postgres schema, version 1.
--
-- Every table is keyed by workspace_id: a Store is bound to one workspace
-- and every statement it runs names it.

-- Event sequence numbers, shared by every workspace. Numbers are taken
-- before commit; the package doc says how drains stay in commit order.
CREATE SEQUENCE dossier_event_seq;

-- The current state of every case. record is the storage.Record as JSON
-- (exact bytes); the other columns are computed from it in Go when it is
-- written and serve lookups, filters and sorts.
CREATE TABLE dossier_cases (
	workspace_id         text COLLATE "C" NOT NULL,
	id                   text COLLATE "C" NOT NULL,
	version              bigint NOT NULL,
	external_id          bytea,
	status               text COLLATE "C" NOT NULL,
	flags                smallint NOT NULL,
	contact_has_actions  boolean NOT NULL,
	reviewer_has_actions boolean NOT NULL,
	risk_level           text COLLATE "C" NOT NULL,
	created_key          text COLLATE "C" NOT NULL,
	updated_key          text COLLATE "C" NOT NULL,
	name_key             bytea NOT NULL,
	next_review_key      text COLLATE "C" NOT NULL,
	case_doc             json NOT NULL,
	record               json NOT NULL,
	PRIMARY KEY (workspace_id, id)
);

CREATE UNIQUE INDEX dossier_cases_external_id ON dossier_cases (workspace_id, external_id)
	WHERE external_id IS NOT NULL;
CREATE INDEX dossier_cases_created ON dossier_cases (workspace_id, created_key, id);
CREATE INDEX dossier_cases_updated ON dossier_cases (workspace_id, updated_key, id);
CREATE INDEX dossier_cases_name ON dossier_cases (workspace_id, name_key, id);
CREATE INDEX dossier_cases_next_review ON dossier_cases (workspace_id, next_review_key, id);
CREATE INDEX dossier_cases_status ON dossier_cases (workspace_id, status, created_key, id);
CREATE INDEX dossier_cases_risk_level ON dossier_cases (workspace_id, risk_level);
CREATE INDEX dossier_cases_flags ON dossier_cases (workspace_id, flags);
CREATE INDEX dossier_cases_contact_actions ON dossier_cases (workspace_id) WHERE contact_has_actions;
CREATE INDEX dossier_cases_reviewer_actions ON dossier_cases (workspace_id) WHERE reviewer_has_actions;

-- Name search: trigrams of the lower-cased name (escaped to text, since
-- name_key is bytes) narrow "name contains" before the exact byte match.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX dossier_cases_name_trgm ON dossier_cases USING gin (encode(name_key, 'escape') gin_trgm_ops);

-- Which case holds each company, individual, relation and check.
CREATE TABLE dossier_entities (
	workspace_id text COLLATE "C" NOT NULL,
	entity_id    text COLLATE "C" NOT NULL,
	case_id      text COLLATE "C" NOT NULL,
	PRIMARY KEY (workspace_id, entity_id)
);
CREATE INDEX dossier_entities_case ON dossier_entities (workspace_id, case_id);

-- The audit log: append-only; only PurgeEvents deletes from it.
CREATE TABLE dossier_events (
	workspace_id text COLLATE "C" NOT NULL,
	seq          bigint NOT NULL,
	case_id      text COLLATE "C" NOT NULL,
	event        json NOT NULL,
	PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX dossier_events_case ON dossier_events (workspace_id, case_id, seq);

-- The outbox: the sequence numbers of events not yet acknowledged.
CREATE TABLE dossier_outbox (
	workspace_id text COLLATE "C" NOT NULL,
	seq          bigint NOT NULL,
	PRIMARY KEY (workspace_id, seq)
);

-- Every deletion of a case: when, and the last event number of the case
-- then. PurgeEvents removes a deleted case's events up to up_to, so the
-- events of a case created again with the same id are kept.
CREATE TABLE dossier_deletions (
	workspace_id text COLLATE "C" NOT NULL,
	case_id      text COLLATE "C" NOT NULL,
	deleted_key  text COLLATE "C" NOT NULL,
	up_to        bigint NOT NULL
);
CREATE INDEX dossier_deletions_at ON dossier_deletions (workspace_id, deleted_key);

-- Cases set aside by Quarantine: their stored bytes, for an operator.
CREATE TABLE dossier_quarantine (
	workspace_id   text COLLATE "C" NOT NULL,
	case_id        text COLLATE "C" NOT NULL,
	version        bigint NOT NULL,
	record         text NOT NULL,
	quarantined_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossier_quarantine_case ON dossier_quarantine (workspace_id, case_id);
