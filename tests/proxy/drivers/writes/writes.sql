-- Writes through Tether's proxy with psql (libpq, simple protocol; SQL-level
-- PREPARE/EXECUTE). tst_driverwrites checks the output against tether-sim.
\set ON_ERROR_STOP 0
\set tag `echo "$TETHER_TAG"`
INSERT INTO salesforce.account (name, industry) VALUES ('Drv ' || :'tag' || ' A', 'Energy') RETURNING id AS inserted, createddate AS created \gset
\echo insert: :inserted
\echo created: :created
UPDATE salesforce.account SET phone = '+1 555 0101' WHERE id = :'inserted';
\echo update: :ROW_COUNT
BEGIN;
INSERT INTO salesforce.account (name) VALUES ('Drv ' || :'tag' || ' Parent') RETURNING id AS provisional \gset
\echo provisional: :provisional
INSERT INTO salesforce.contact (lastname, accountid) VALUES ('Drv ' || :'tag' || ' Child', :'provisional');
COMMIT;
SELECT id AS parent FROM salesforce.account WHERE name = 'Drv ' || :'tag' || ' Parent' \gset
\echo parent: :parent
SELECT id AS child, accountid AS child_account FROM salesforce.contact WHERE lastname = 'Drv ' || :'tag' || ' Child' \gset
\echo child: :child
\echo child account: :child_account
BEGIN;
INSERT INTO salesforce.account (name) VALUES ('Drv ' || :'tag' || ' Rolled back');
ROLLBACK;
INSERT INTO salesforce.account (phone) VALUES ('no name');
\echo refused: :LAST_ERROR_SQLSTATE
PREPARE retitle(text, text) AS UPDATE salesforce.contact SET title = $1 WHERE id = $2;
EXECUTE retitle('Prepared 1', :'child');
EXECUTE retitle('Prepared 2', :'child');
\echo prepared: :ROW_COUNT
DELETE FROM salesforce.account WHERE id = :'inserted';
\echo delete: :ROW_COUNT
\echo done
