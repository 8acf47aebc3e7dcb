-- The sample business's statements are submitted as uploads when `make run` starts (brainops up), so the
-- running daemon extracts them like any other upload; they are told apart by received_via = 'sample'.
ALTER TABLE app.uploads DROP CONSTRAINT uploads_received_via_check;
ALTER TABLE app.uploads ADD CONSTRAINT uploads_received_via_check
    CHECK (received_via IN ('api', 'landing', 'sample'));
ALTER TABLE app.upload_quarantine DROP CONSTRAINT upload_quarantine_received_via_check;
ALTER TABLE app.upload_quarantine ADD CONSTRAINT upload_quarantine_received_via_check
    CHECK (received_via IN ('api', 'landing', 'sample'));
