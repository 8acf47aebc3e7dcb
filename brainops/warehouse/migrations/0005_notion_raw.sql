-- Notion landing tables: source ids, typed keys and cursors, the full API object as jsonb.
-- A page trashed in Notion keeps its row (archived/in_trash true) and loses its blocks; a page that
-- disappears from what the integration can see gets deleted_at. Staging models leave both out.
CREATE TABLE raw.notion_data_sources (
    data_source_id   text PRIMARY KEY,
    database_id      text,
    parent_page_id   text,                      -- the database's parent page (`database_parent`)
    title            text,
    url              text,
    created_time     timestamptz,
    last_edited_time timestamptz NOT NULL,
    archived         boolean NOT NULL DEFAULT false,
    in_trash         boolean NOT NULL DEFAULT false,
    deleted_at       timestamptz,
    data_source      jsonb NOT NULL,
    _loaded_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.notion_pages (
    page_id               text PRIMARY KEY,
    parent_type           text NOT NULL,        -- workspace, page_id, data_source_id, database_id, block_id
    parent_page_id        text,
    parent_data_source_id text,
    parent_database_id    text,
    parent_block_id       text,
    title                 text,
    url                   text,
    created_time          timestamptz,
    last_edited_time      timestamptz NOT NULL, -- the incremental cursor (Notion stamps it to the minute)
    archived              boolean NOT NULL DEFAULT false,
    in_trash              boolean NOT NULL DEFAULT false,
    deleted_at            timestamptz,
    content_text          text,                 -- the blocks rendered as markdown-like text
    block_count           integer,
    blocks_synced_at      timestamptz,          -- when the blocks were last fetched
    page                  jsonb NOT NULL,
    _loaded_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE raw.notion_blocks (
    block_id         text PRIMARY KEY,
    page_id          text NOT NULL,
    parent_block_id  text,                      -- NULL for a page's top-level blocks
    position         integer NOT NULL,          -- among its siblings
    ordinal          integer NOT NULL,          -- reading order within the page
    depth            integer NOT NULL,
    type             text NOT NULL,
    text             text,
    has_children     boolean NOT NULL,
    last_edited_time timestamptz,
    block            jsonb NOT NULL,
    _loaded_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ON raw.notion_pages (last_edited_time);
CREATE INDEX ON raw.notion_pages (parent_page_id);
CREATE INDEX ON raw.notion_pages (parent_data_source_id);
CREATE INDEX ON raw.notion_blocks (page_id, ordinal);
CREATE INDEX ON raw.notion_blocks (parent_block_id);
