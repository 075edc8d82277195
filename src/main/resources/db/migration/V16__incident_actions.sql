-- What security operators did about an incident (org.waypost.abuse.Incidents), one row per
-- action, each with its audit entry written in the same transaction:
--   UNBLOCKED       the block was lifted before its time;
--   ALLOWED         the incident's network (/24 or /48) may look up without being blocked or
--                   rate-limited until allowed_until; it is recognised by the incident's own
--                   network day tag, so an allowance ends at the latest when retention destroys
--                   that day's keys;
--   FALSE_POSITIVE  the block was wrong: lifted, and left out of the count of repeat offences.
-- Every node loads new rows with the incidents (Blocks.refresh), so an action reaches all of
-- them within 30 seconds; the node that records it applies it at once. The reason is the
-- operator's words, kept as the audit entry keeps them; no address is stored here.
CREATE TABLE incident_actions (
  id ${id},
  incident_id BIGINT NOT NULL,
  action VARCHAR(16) NOT NULL CHECK (action IN ('UNBLOCKED', 'ALLOWED', 'FALSE_POSITIVE')),
  operator VARCHAR(64) NOT NULL,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  allowed_until BIGINT,
  audit_seq BIGINT NOT NULL,
  CHECK ((action = 'ALLOWED') = (allowed_until IS NOT NULL))
);

CREATE INDEX incident_actions_by_incident ON incident_actions (incident_id);
