-- Attempts count from 1 (the first run is attempt 1), as the job events and logs always said. New jobs are inserted
-- with attempt 1 (SQLite cannot change the column's default of 0); existing jobs move up by one. Job events already
-- written keep their text.
UPDATE jobs SET attempt = attempt + 1;
