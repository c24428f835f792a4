-- The same conversation as the other driver scripts, through psql.
-- Run with: psql -X -q -v ON_ERROR_STOP=0 -f script.sql (PG* environment).
\pset pager off
SELECT 1 AS one, NULL::text AS nothing, 'ünïcode'::text AS text, 12.50::numeric(6,2) AS num;
SELECT 'multi' AS a; SELECT 'statement' AS b;
CREATE TEMP TABLE driver_items(id serial PRIMARY KEY, name text NOT NULL, qty int);
BEGIN;
INSERT INTO driver_items(name, qty) VALUES ('a', 1), ('b', 2) RETURNING id, name;
UPDATE driver_items SET qty = qty * 10 WHERE name = 'a';
COMMIT;
BEGIN;
DELETE FROM driver_items WHERE name = 'b';
ROLLBACK;
SELECT name, qty FROM driver_items ORDER BY id;
INSERT INTO driver_items(name) VALUES (NULL);
SELECT 1/0;
BEGIN;
SELECT 1/0;
SELECT 'ignored';
ROLLBACK;
DO $$BEGIN RAISE NOTICE 'notice %', 7; END$$;
PREPARE p(int) AS SELECT $1 * 2 AS doubled;
EXECUTE p(21);
SELECT count(*), md5(string_agg(md5(g::text), '' ORDER BY g)) FROM generate_series(1, 100000) g;
COPY (SELECT g, g * 2 FROM generate_series(1, 20) g) TO STDOUT WITH (FORMAT csv);
COPY driver_items(id, name, qty) FROM STDIN;
1000	copied	5
1001	copied	6
\.
SELECT count(*), sum(qty) FROM driver_items;
\set FETCH_COUNT 300
SELECT count(*) FROM (SELECT g FROM generate_series(1, 1000) g) s;
SELECT g FROM generate_series(1, 700) g WHERE g % 100 = 0;
\unset FETCH_COUNT
LISTEN driver_channel;
NOTIFY driver_channel, 'hello from psql';
SELECT 'done';
