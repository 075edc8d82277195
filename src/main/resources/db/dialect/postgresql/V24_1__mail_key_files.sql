-- The key ledger (V21) records the mail keys too (kind 'mail'; see V24).
ALTER TABLE day_key_files DROP CONSTRAINT day_key_files_kind_check;
ALTER TABLE day_key_files ADD CONSTRAINT day_key_files_kind_check
  CHECK (kind IN ('day', 'visitors', 'mail'));
