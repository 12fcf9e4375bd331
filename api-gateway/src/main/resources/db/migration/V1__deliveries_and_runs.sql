-- Webhook deliveries, one row per (provider, delivery id): the key that makes a replayed or
-- redelivered webhook create nothing new. status: processing, created, nothing, failed.
CREATE TABLE webhook_delivery (
  provider     text        NOT NULL,
  delivery_id  text        NOT NULL,
  event_type   text,
  status       text        NOT NULL,
  reason       text,
  attempts     integer     NOT NULL DEFAULT 1,
  received_at  timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, delivery_id)
);

-- The last pipeline number of each Pipeline. Incremented in the same transaction that inserts the
-- pipeline_run row, so numbers have no gaps: a rolled-back allocation rolls the counter back too.
CREATE TABLE pipeline_counter (
  namespace    text   NOT NULL,
  pipeline     text   NOT NULL,
  last_number  bigint NOT NULL,
  PRIMARY KEY (namespace, pipeline)
);

-- One pipeline run per Pipeline a trigger matched. run_key is unique per trigger and Pipeline
-- (provider/delivery/event index for webhooks), so a redelivery finds its run and its number.
-- status: pending, created, invalid_config, filtered, failed.
CREATE TABLE pipeline_run (
  id              bigserial   PRIMARY KEY,
  namespace       text        NOT NULL,
  pipeline        text        NOT NULL,
  number          bigint      NOT NULL,
  run_key         text        NOT NULL UNIQUE,
  provider        text,
  delivery_id     text,
  trigger_source  text        NOT NULL,
  branch          text,
  tag             text,
  revision        text,
  actor           text,
  status          text        NOT NULL,
  reason          text,
  workflows       text[]      NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (namespace, pipeline, number)
);
CREATE INDEX pipeline_run_delivery ON pipeline_run (provider, delivery_id);
