-- Visitor tags are appended without a unique key (see TrafficCounts.addVisitors): a unique index
-- on random tags cost a random page write per new visitor. finishVisitors counts distinct tags.
ALTER TABLE daily_visitors DROP CONSTRAINT daily_visitors_pkey;
CREATE INDEX daily_visitors_by_day ON daily_visitors (day);
