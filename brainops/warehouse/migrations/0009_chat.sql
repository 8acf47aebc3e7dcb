-- Chat over the indexed knowledge (POST /api/v1/chat, POST /v1/chat/completions): sessions belong to the
-- API key that opened them (owner_user_id is for the user accounts the auth work adds), messages keep the
-- chunk ids they cited and what the answer cost. Written by pipelines/chat/sessions.py.
CREATE TABLE app.chat_sessions (
    session_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_api_key_id   bigint REFERENCES app.api_keys,      -- the caller that opened the session
    owner_user_id      bigint,                              -- a user account, once there are users
    title              text NOT NULL,                       -- the first question, shortened
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_sessions_owner_key ON app.chat_sessions (owner_api_key_id, updated_at DESC);
CREATE INDEX chat_sessions_owner_user ON app.chat_sessions (owner_user_id, updated_at DESC)
    WHERE owner_user_id IS NOT NULL;

CREATE TABLE app.chat_messages (
    message_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id  uuid NOT NULL REFERENCES app.chat_sessions ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('user', 'assistant')),
    content     text NOT NULL,
    citations   jsonb NOT NULL DEFAULT '[]',                 -- [{chunk_id, title, url, source}] the answer drew on
    usage       jsonb,                                       -- {provider, model, input_tokens, output_tokens, cost_usd}
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_messages_session ON app.chat_messages (session_id, message_id);
