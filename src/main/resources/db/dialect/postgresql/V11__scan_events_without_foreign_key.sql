-- Scans no longer carry a foreign key to their piece. On PostgreSQL its check ran once per row, as
-- a locking SELECT on shipments through SPI: 20 % of the database's work while ingesting, for a
-- piece that ingestion has already locked in the same transaction. What the key promised still
-- holds, by how the two writers of these tables lock a piece (docs/operations.md, "Scans and their
-- pieces").
ALTER TABLE scan_events DROP CONSTRAINT scan_events_shipment_id_fkey;

-- Event ids and tracking numbers are identifiers: they are only ever compared for equality, and
-- byte order is their natural order (as on SQLite). The database's default collation compared
-- them through the C library's strcoll in every index descent.
ALTER TABLE scan_events ALTER COLUMN event_id TYPE VARCHAR(128) COLLATE "C";
ALTER TABLE scan_events ALTER COLUMN tracking_number TYPE VARCHAR(34) COLLATE "C";
ALTER TABLE shipments ALTER COLUMN tracking_number TYPE VARCHAR(34) COLLATE "C";
