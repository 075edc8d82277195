-- Visitor tags are appended without a unique key (see TrafficCounts.addVisitors): a unique index
-- on random tags cost a random page write per new visitor. finishVisitors counts distinct tags.
-- SQLite cannot drop a primary key, so the table is rebuilt; its rows carry over.
CREATE TABLE daily_visitors_new (
  day VARCHAR(10) NOT NULL,
  tag BLOB NOT NULL
);

INSERT INTO daily_visitors_new (day, tag) SELECT day, tag FROM daily_visitors;

DROP TABLE daily_visitors;

ALTER TABLE daily_visitors_new RENAME TO daily_visitors;

CREATE INDEX daily_visitors_by_day ON daily_visitors (day);
