-- A random secret of this installation, created once: continuation keys are HMACs of the run id
-- under it, so every gateway replica derives the same key for a run and none is stored.
CREATE TABLE gateway_secret (
  name   text  PRIMARY KEY,
  value  bytea NOT NULL
);

-- A run whose config is a setup config waits for one continuation. status: waiting, continued
-- (the continuation was accepted; configuration and parameters are what it sent), done (its
-- Workflows exist), ended (the setup workflow finished without continuing).
CREATE TABLE pipeline_continuation (
  run_id         bigint      PRIMARY KEY REFERENCES pipeline_run (id),
  expires_at     timestamptz NOT NULL,
  status         text        NOT NULL,
  configuration  text,
  parameters     text,
  continued_at   timestamptz
);
