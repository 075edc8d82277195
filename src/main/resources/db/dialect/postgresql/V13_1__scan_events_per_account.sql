-- Each scan now records the account whose event id it is (the sending key's account) and the key
-- that sent it (api_keys.id; keys are revoked, never deleted, so a scan stays attributed). Scans
-- stored before get the account of their piece's owner and no key: unattributed. A piece without
-- an owner cannot exist, so a scan without a piece (which V11's locking rules out) would stop
-- this migration at SET NOT NULL rather than be dropped.
ALTER TABLE scan_events ADD COLUMN account_id BIGINT;
ALTER TABLE scan_events ADD COLUMN api_key_id BIGINT;

UPDATE scan_events e SET account_id = s.shipper_id FROM shipments s WHERE s.id = e.shipment_id;

ALTER TABLE scan_events ALTER COLUMN account_id SET NOT NULL;

-- Event ids are unique per account, no longer across all shippers. event_id keeps its "C"
-- collation (V11), so the new key compares it byte by byte as the old one did.
ALTER TABLE scan_events DROP CONSTRAINT scan_events_event_id_key;
ALTER TABLE scan_events ADD CONSTRAINT scan_events_account_event_key UNIQUE (account_id, event_id);
