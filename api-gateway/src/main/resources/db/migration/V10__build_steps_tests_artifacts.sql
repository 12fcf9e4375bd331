-- What runners report about their Build besides its output, written by the runner API and read by
-- the REST API. Rows are keyed by the Build's Kubernetes uid, so they outlive the Build resource;
-- namespace, name and organization (the Build's, when its namespace was bound to it) let readers
-- find and authorize them after the Build is gone.

CREATE TABLE build_steps (
  build_uid    text    NOT NULL,
  namespace    text    NOT NULL,
  build_name   text    NOT NULL,
  organization text,
  step_index   integer NOT NULL CHECK (step_index >= 0),
  name         text    NOT NULL DEFAULT '',
  -- running, then the runner's final status: success, failed, canceled or timedout
  status       text    NOT NULL,
  exit_code    integer,
  started_at   timestamptz,
  finished_at  timestamptz,
  duration_ms  bigint,
  -- stored output bytes, set when the step's output ended
  log_bytes    bigint,
  PRIMARY KEY (build_uid, step_index)
);
CREATE INDEX build_steps_by_name ON build_steps (namespace, build_name);

CREATE TABLE test_results (
  build_uid   text    NOT NULL,
  -- the report file inside store_test_results; uploading it again replaces its rows
  report_path text    NOT NULL,
  seq         integer NOT NULL,
  classname   text    NOT NULL,
  name        text    NOT NULL,
  file        text,
  result      text    NOT NULL CHECK (result IN ('passed', 'failed', 'skipped', 'error')),
  message     text,
  duration_ms bigint  NOT NULL,
  PRIMARY KEY (build_uid, report_path, seq)
);

CREATE TABLE artifacts (
  build_uid   text        NOT NULL,
  path        text        NOT NULL,
  -- unknown until a reader finds the uploaded object (recorded when the presigned PUT is issued)
  size_bytes  bigint,
  storage_key text        NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (build_uid, path)
);
