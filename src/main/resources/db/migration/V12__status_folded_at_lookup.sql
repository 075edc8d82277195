-- A piece's status is no longer kept on its row: it is folded from the piece's scans at every
-- lookup (org.waypost.tracking.Projection), which reads the whole history anyway. Keeping it cost
-- every batch of scans a locked read and an UPDATE of each piece it touched: half of PostgreSQL's
-- work while ingesting.
--
-- What stays is delivered_at, which now means the event time of the newest delivery scan stored
-- for the piece: retention's index of candidates (it folds each candidate's history before it
-- deletes anything, since a later scan may have turned the piece from delivered).
UPDATE shipments SET delivered_at = (
  SELECT MAX(event_time) FROM scan_events
  WHERE scan_events.shipment_id = shipments.id AND scan_events.type = 'DELIVERED');

ALTER TABLE shipments DROP COLUMN status;
ALTER TABLE shipments DROP COLUMN status_text;
ALTER TABLE shipments DROP COLUMN status_time;
ALTER TABLE shipments DROP COLUMN status_time_offset;
ALTER TABLE shipments DROP COLUMN accepted_at;
ALTER TABLE shipments DROP COLUMN accepted_at_offset;
ALTER TABLE shipments DROP COLUMN delivered_at_offset;
ALTER TABLE shipments DROP COLUMN last_event_time;
ALTER TABLE shipments DROP COLUMN last_event_seq;
