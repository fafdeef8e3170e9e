-- A body that arrived as bytes which are not valid UTF-8 is kept exactly in body_bytes; events.body then holds it
-- decoded with U+FFFD for each invalid sequence, for readers that need text. NULL when body is the exact body.
ALTER TABLE events ADD COLUMN body_bytes BLOB;
