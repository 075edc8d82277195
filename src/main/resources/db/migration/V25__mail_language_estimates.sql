-- Recipients' email in their language, and mails when the expected delivery day moves (issue 13).
-- language: the language the person used (the page's, or the API request's "language"); every mail
-- to this subscription is written in it.
-- estimates: whether the person asked for a mail when the expected delivery day moves.
-- estimate: the expected delivery day (ISO date) this subscription last knew, against which a new
-- scan's estimate is compared; null while the piece has none. Kept for every subscription that asked,
-- confirmed or not, so that a confirmation does not mail an old change.
ALTER TABLE mail_subscriptions ADD COLUMN language VARCHAR(8) NOT NULL DEFAULT 'en';
ALTER TABLE mail_subscriptions ADD COLUMN estimates BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE mail_subscriptions ADD COLUMN estimate VARCHAR(10);
