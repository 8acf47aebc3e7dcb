-- Who may retrieve a chunk (brainops/access.py), carried by the chunk itself so that search and both chat
-- endpoints filter inside the SQL of each retrieval branch, before ranking: nothing a caller may not read is
-- ever a candidate, so it can neither be returned, cited, nor sent to a language model.
--
-- visibility 'staff': internal knowledge (Notion pages, CenterPoint job notes), admins and analysts only.
-- visibility 'owner': an applicant's own material (IES documents): staff, and the principal in owner_id
--                     (NULL: no applicant owns it, e.g. the landing dir or the sample business).
-- The default is the closed one: a new source that says nothing is staff-only.
ALTER TABLE rag.chunks
    ADD COLUMN visibility text NOT NULL DEFAULT 'staff' CHECK (visibility IN ('staff', 'owner')),
    ADD COLUMN owner_id bigint;

UPDATE rag.chunks AS c
SET visibility = 'owner', owner_id = u.owner_id
FROM app.uploads AS u
WHERE c.source = 'ies' AND u.document_id = c.source_id;
UPDATE rag.chunks SET visibility = 'owner' WHERE source = 'ies';

-- An applicant's retrieval reads its own chunks by this index (exactly, not from the graph).
CREATE INDEX chunks_owner ON rag.chunks (owner_id) WHERE owner_id IS NOT NULL;
