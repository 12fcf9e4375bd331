-- When each schedule of a Pipeline was first seen (and with which cron): a tick earlier than that
-- is not owed, so a new or changed schedule does not fire at once for a tick it never had.
CREATE TABLE schedule_seen (
  namespace   text        NOT NULL,
  pipeline    text        NOT NULL,
  schedule    text        NOT NULL,
  cron        text        NOT NULL,
  first_seen  timestamptz NOT NULL,
  PRIMARY KEY (namespace, pipeline, schedule)
);

-- One row per (Pipeline, schedule, tick): the key that makes a tick fire once however many gateway
-- processes run the scheduler. claimed_at is the lease of the process firing it; a claim that was
-- never published (its process died) may be taken over once the lease is over.
CREATE TABLE schedule_tick (
  namespace   text        NOT NULL,
  pipeline    text        NOT NULL,
  schedule    text        NOT NULL,
  tick        timestamptz NOT NULL,
  claimed_at  timestamptz NOT NULL,
  published   boolean     NOT NULL DEFAULT false,
  PRIMARY KEY (namespace, pipeline, schedule, tick)
);
