-- Every scan rewrites its piece's projection. On PostgreSQL, room on each page lets those
-- updates stay on the page (HOT) instead of writing new index entries; SQLite has no such
-- setting and runs a no-op. The statement below is filled in per dialect.
${shipmentsFillfactor}
