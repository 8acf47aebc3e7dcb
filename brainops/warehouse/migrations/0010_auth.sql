-- Identity for the serving API: user accounts (argon2 hashes), refresh tokens with rotation, tiers on keys
-- and users (IES quotas), and an audit log. Written by brainops/users.py, brainops/apikeys.py and serving/.
--
-- Every user gets one "principal" row in app.api_keys (kind 'user', no usable secret): what a user does with
-- a JWT is recorded under that id, so everything keyed by api_key_id (app.upload_readers, chat sessions) keeps
-- working, and a user's own keys (api_keys.user_id) and tokens find the same documents.

CREATE TABLE app.users (
    user_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL,
    password_hash text NOT NULL,                                   -- argon2id, PHC string
    role          text NOT NULL CHECK (role IN ('admin', 'analyst', 'applicant')),
    tier          text NOT NULL DEFAULT 'free' CHECK (tier IN ('free', 'premium', 'enterprise')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    disabled_at   timestamptz
);
-- Logins look users up by e-mail, case-insensitively.
CREATE UNIQUE INDEX users_email ON app.users (lower(email));

ALTER TABLE app.api_keys
    ADD COLUMN user_id bigint REFERENCES app.users,
    ADD COLUMN tier text NOT NULL DEFAULT 'premium' CHECK (tier IN ('free', 'premium', 'enterprise')),
    ADD COLUMN kind text NOT NULL DEFAULT 'key' CHECK (kind IN ('key', 'user'));
CREATE INDEX api_keys_user ON app.api_keys (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX api_keys_one_principal_per_user ON app.api_keys (user_id) WHERE kind = 'user';

-- Refresh tokens: only a SHA-256 of the 256-bit secret is kept. A token is used once (rotated_at); presenting
-- a rotated one again means it leaked, so its whole family (one login) is revoked, access tokens included.
CREATE TABLE app.refresh_tokens (
    refresh_token_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash       text NOT NULL UNIQUE,
    family_id        uuid NOT NULL,
    user_id          bigint NOT NULL REFERENCES app.users,
    issued_at        timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    rotated_at       timestamptz,
    revoked_at       timestamptz
);
CREATE INDEX refresh_tokens_family ON app.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON app.refresh_tokens (user_id);
-- Access tokens name their family (claim sid); a revoked family is looked up on every request.
CREATE TABLE app.revoked_token_families (
    family_id  uuid PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES app.users,
    reason     text NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT now()
);

-- Who did what: logins (ok and failed), key creation and revocation, user changes, uploads and downloads.
CREATE TABLE app.audit_log (
    audit_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text,                                              -- 'user:12', 'key:3', or the login name tried
    action      text NOT NULL,                                     -- 'auth.login', 'apikey.create', 'ies.upload', ...
    target      text,                                              -- what it acted on: 'key:7', 'ies_3f2a...'
    ip          inet,
    request_id  text,
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON app.audit_log (at);
CREATE INDEX audit_log_actor ON app.audit_log (actor, at);
CREATE INDEX audit_log_action ON app.audit_log (action, at);

-- Monthly IES quotas count the documents a caller was given this month (app.upload_readers.added_at).
CREATE INDEX upload_readers_added ON app.upload_readers (api_key_id, added_at);
