-- What triggered a run beyond its ref: the commit's subject and author and the pull request number,
-- so run reads show them after the Workflows are gone. Rows written before stay NULL.
ALTER TABLE pipeline_run ADD COLUMN commit_subject text;
ALTER TABLE pipeline_run ADD COLUMN commit_author_name text;
ALTER TABLE pipeline_run ADD COLUMN commit_author_email text;
ALTER TABLE pipeline_run ADD COLUMN pr_number integer;
