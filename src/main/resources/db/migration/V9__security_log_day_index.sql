-- The security log's (day, client_tag) and (day, prefix_tag) indexes served no query: incidents
-- keep their own sealed address, and legal requests find rows through security_log_numbers.
-- Random tags put every insert on a different page of each index, so on a busy day they were
-- most of what writing a visit cost (WAL pages and fsync). Retention deletes by day, which an
-- index on day alone serves; days only grow, so its inserts touch just the last page.
DROP INDEX security_log_by_client;
DROP INDEX security_log_by_prefix;
CREATE INDEX security_log_by_day ON security_log (day);
