-- Sync state is the state of one account: the account the cursor was read from (CenterPoint base URL and
-- key fingerprint, Stripe account id, Notion workspace). A sync whose account differs starts afresh instead
-- of resuming another account's cursor; states saved before this column existed name no account.
ALTER TABLE raw._sync_state ADD COLUMN account text;
COMMENT ON COLUMN raw._sync_state.account IS 'The account the cursor belongs to; NULL: saved before accounts were recorded.';
