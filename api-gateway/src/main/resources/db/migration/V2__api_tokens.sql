-- API tokens per Organization. Only the SHA-256 of a token is stored (tokens are 256 random bits, so
-- a fast hash is as strong as a slow one: there is no dictionary to try). scopes: read, write, admin.
-- last_used_at is written at most once a minute per token; revoked_at set means refused.
CREATE TABLE api_token (
  id            bigserial   PRIMARY KEY,
  organization  text        NOT NULL,
  name          text        NOT NULL,
  scopes        text[]      NOT NULL,
  token_hash    bytea       NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text        NOT NULL,
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_token_organization ON api_token (organization, id);
