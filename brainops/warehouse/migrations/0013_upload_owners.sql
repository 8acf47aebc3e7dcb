-- One document per uploader (brainops/access.py). Identical bytes still share one stored file (the store
-- is content-addressed), but each principal that uploads them gets a document record of its own: its own
-- id, file name, upload time and extraction. Before, a second uploader was handed the first one's
-- document (id, name, time) and the first one's list gained nothing it could explain.
--
-- owner_id is the uploader's principal: a user's principal key (app.api_keys kind 'user'), whichever of
-- their keys or tokens they used, else the key itself. NULL for the landing dir and the sample business:
-- no applicant owns those; staff read them.
ALTER TABLE app.uploads ADD COLUMN owner_id bigint REFERENCES app.api_keys;

UPDATE app.uploads AS u
SET owner_id = coalesce(p.api_key_id, k.api_key_id)
FROM app.api_keys AS k
LEFT JOIN app.api_keys AS p ON p.user_id = k.user_id AND p.kind = 'user'
WHERE k.api_key_id = u.api_key_id;

ALTER TABLE app.uploads DROP CONSTRAINT uploads_sha256_key;

-- Readers added by a duplicate upload become owners of documents of their own, queued for extraction.
INSERT INTO app.uploads (document_id, sha256, source_file, file_kind, size_bytes, stored_path, received_via,
                         api_key_id, owner_id, received_at)
SELECT 'ies_' || left(md5(gen_random_uuid()::text), 16), u.sha256, u.source_file, u.file_kind, u.size_bytes,
       u.stored_path, 'api', r.api_key_id, r.owner_id, r.added_at
FROM (SELECT DISTINCT ON (rr.upload_id, coalesce(p.api_key_id, k.api_key_id))
             rr.upload_id, rr.api_key_id, rr.added_at, coalesce(p.api_key_id, k.api_key_id) AS owner_id
      FROM app.upload_readers AS rr
      JOIN app.api_keys AS k ON k.api_key_id = rr.api_key_id
      LEFT JOIN app.api_keys AS p ON p.user_id = k.user_id AND p.kind = 'user'
      ORDER BY rr.upload_id, coalesce(p.api_key_id, k.api_key_id), rr.added_at) AS r
JOIN app.uploads AS u ON u.upload_id = r.upload_id
WHERE r.owner_id IS DISTINCT FROM u.owner_id;

-- The same bytes from the same owner are one document (a re-upload is a duplicate of it); from another
-- owner, another document. NULLS NOT DISTINCT: the landing dir and the sample are one owner-less group.
ALTER TABLE app.uploads ADD CONSTRAINT uploads_owner_content UNIQUE NULLS NOT DISTINCT (owner_id, sha256);
-- Quotas count an owner's uploads this month.
CREATE INDEX uploads_owner_received ON app.uploads (owner_id, received_at);

DROP TABLE app.upload_readers;
