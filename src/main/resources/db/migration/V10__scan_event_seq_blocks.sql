-- A batch of scans loaded with COPY takes its receipt sequence numbers as one block: one nextval
-- per 1,024 scans instead of one per scan, which four concurrent batches otherwise queue on (the
-- sequence's page is locked for each call). Numbers taken one at a time, by a plain INSERT, now
-- leave gaps of 1,023, which nothing minds: seq only orders receipt. org.waypost.tracking
-- .TrackingStore.EVENT_SEQ_BLOCK must match. SQLite assigns seq itself and runs a no-op.
${scanEventSeqBlocks}
