-- dossier storage/postgres schema, version 2: the columns of case tags,
-- the assignee and restorable deletion, for queries.

ALTER TABLE dossier_cases
	ADD COLUMN tags        text[] COLLATE "C" NOT NULL DEFAULT '{}',
	ADD COLUMN assignee_id text COLLATE "C",
	ADD COLUMN deleted     boolean NOT NULL DEFAULT false;

-- Tag filters (contains, does not contain, overlaps) use the array
-- operators @> and &&, which a GIN index answers.
CREATE INDEX dossier_cases_tags ON dossier_cases USING gin (tags);
CREATE INDEX dossier_cases_assignee ON dossier_cases (workspace_id, assignee_id, created_key, id);
