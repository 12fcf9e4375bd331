-- The archive of Workflows and Builds, written by the gateway's archiver from informer events and
-- resyncs, so history stays queryable after the operator's retention deletes finished resources.
-- Keyed by the Kubernetes UID: a replayed event or a resync rewrites the same row. view is the
-- object as the API shows it (for a Workflow: its job graph with requires, states and Builds).
CREATE TABLE workflow_archive (
  uid              text        PRIMARY KEY,
  namespace        text        NOT NULL,
  name             text        NOT NULL,
  organization     text,
  pipeline         text,
  pipeline_number  bigint,
  workflow         text,
  phase            text,
  created_at       timestamptz,
  started_at       timestamptz,
  finished_at      timestamptz,
  deleted          boolean     NOT NULL DEFAULT false,
  view             jsonb       NOT NULL,
  archived_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflow_archive_name ON workflow_archive (namespace, name, created_at DESC);
CREATE INDEX workflow_archive_run ON workflow_archive (namespace, pipeline, pipeline_number);

CREATE TABLE build_archive (
  uid           text        PRIMARY KEY,
  namespace     text        NOT NULL,
  name          text        NOT NULL,
  organization  text,
  workflow      text,
  job           text,
  phase         text,
  created_at    timestamptz,
  queued_at     timestamptz,
  finished_at   timestamptz,
  deleted       boolean     NOT NULL DEFAULT false,
  view          jsonb       NOT NULL,
  archived_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX build_archive_name ON build_archive (namespace, name, created_at DESC);
CREATE INDEX build_archive_waiting ON build_archive (organization, phase, queued_at);
