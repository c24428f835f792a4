#include "proxy/capturetriggers.h"

#include "store/pgconnection.h"

#include <QJsonDocument>

namespace tether::proxy {

using schema::quoteIdent;
using schema::sqlLiteral;

namespace {

// Shared objects. Every function that touches tether.capture runs as its
// owner (SECURITY DEFINER), so a role that may write a synced table needs no
// grant on schema tether. This is a safety net against writes that miss the
// proxy by accident, not a security boundary: a role that can set
// tether.writer or call tether.forget_captured() can write around Salesforce.
const char *endpointSqlText = R"sql(
CREATE SCHEMA IF NOT EXISTS tether;
CREATE TABLE IF NOT EXISTS tether.proxy_endpoint (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    address    text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tether.proxy_endpoint IS 'Tether: where the write-through proxy listens (named in the error a bypassing write gets)';
)sql";

const char *schemaSqlText = R"sql(
-- The key MirrorStore::ensureStateSchema takes: one creator of schema tether at a time.
SELECT pg_advisory_xact_lock(74657468);
CREATE SCHEMA IF NOT EXISTS tether;
CREATE SEQUENCE IF NOT EXISTS tether.provisional_id;
CREATE UNLOGGED TABLE IF NOT EXISTS tether.capture (
    seq        bigserial PRIMARY KEY,
    xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    table_oid  oid NOT NULL,
    op         text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    record_id  text NOT NULL,
    old_row    jsonb,
    changed    text[],
    new_row    jsonb
);
CREATE INDEX IF NOT EXISTS capture_xid_idx ON tether.capture (xid);
-- new_row: the row as the change left it, so that the proxy reads the row as
-- it is at COMMIT from the last change of each record instead of looking it
-- up with dynamic SQL per row (0.1 ms each). Rows stay uncompressed and
-- inline up to a page: they live for one transaction only.
DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'tether.capture'::regclass
                                                AND attname = 'new_row' AND NOT attisdropped) THEN
        ALTER TABLE tether.capture ADD COLUMN new_row jsonb;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = 'tether.capture'::regclass
                                              AND 'toast_tuple_target=8160' = ANY (reloptions)) THEN
        ALTER TABLE tether.capture SET (toast_tuple_target = 8160);
    END IF;
END
$do$;
COMMENT ON TABLE tether.capture IS 'Tether: changes to synced tables not yet applied to Salesforce, one row per changed row; never committed (the proxy applies and removes them before COMMIT)';
REVOKE ALL ON tether.capture FROM PUBLIC;

CREATE TABLE IF NOT EXISTS tether.write_log (
    id               bigserial PRIMARY KEY,
    logged_at        timestamptz NOT NULL DEFAULT now(),
    database_user    text,
    client_address   text,
    object_name      text NOT NULL,
    operation        text NOT NULL,
    record_ids       text[] NOT NULL,
    changed_fields   text[],
    outcome          text NOT NULL,
    salesforce_error text,
    sqlstate         text,
    api_calls        integer,
    salesforce_ms    numeric(12,3)
);
COMMENT ON TABLE tether.write_log IS 'Tether: every write the proxy sent to Salesforce (outcome applied, refused, unknown or not_sent), one row per object and operation of a transaction';
CREATE INDEX IF NOT EXISTS write_log_logged_at_idx ON tether.write_log (logged_at);

@ENDPOINT@
-- The BEFORE INSERT trigger's function of earlier versions (why it went:
-- CaptureTriggers::tableSql, which drops the trigger), once no table uses it.
DO $do$
BEGIN
    IF to_regprocedure('tether.assign_provisional_id()') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regprocedure('tether.assign_provisional_id()')) THEN
        DROP FUNCTION tether.assign_provisional_id();
    END IF;
END
$do$;

CREATE OR REPLACE FUNCTION tether.capture_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    old_row jsonb;
    new_row jsonb;
    changed text[];
    refused text;
BEGIN
    IF current_setting('tether.writer', true) IN ('sync', 'proxy') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- The row's id is its column default, a provisional one (tableSql).
        IF NOT starts_with(NEW.id, '@PREFIX@') THEN
            RAISE EXCEPTION 'Column "id" of %.% is assigned by Salesforce: leave it out of the INSERT.', TG_TABLE_SCHEMA, TG_TABLE_NAME
                USING ERRCODE = '428C9', COLUMN = 'id', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
                      HINT = 'The row gets a provisional id now and its Salesforce Id when the transaction commits.';
        END IF;
        new_row := to_jsonb(NEW);
        SELECT c INTO refused FROM jsonb_object_keys(jsonb_strip_nulls(new_row)) c
         WHERE c = ANY (string_to_array(TG_ARGV[1], ',')) ORDER BY c LIMIT 1;
        IF refused IS NOT NULL THEN
            RAISE EXCEPTION 'Salesforce does not accept a value for column "%" of %.% in a new record.', refused, TG_TABLE_SCHEMA, TG_TABLE_NAME
                USING ERRCODE = '428C9', COLUMN = refused, TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
                      HINT = 'Leave it out: Salesforce sets it (a system field, formula or auto-number, or a field this user may not set).';
        END IF;
        INSERT INTO tether.capture (table_oid, op, record_id, new_row) VALUES (TG_RELID, 'insert', NEW.id, new_row);
        RETURN NULL;
    END IF;
    old_row := to_jsonb(OLD);
    IF TG_OP = 'DELETE' THEN
        INSERT INTO tether.capture (table_oid, op, record_id, old_row) VALUES (TG_RELID, 'delete', OLD.id, old_row);
        RETURN NULL;
    END IF;
    new_row := to_jsonb(NEW);
    SELECT array_agg(n.key ORDER BY n.key) INTO changed
      FROM jsonb_each(new_row) n WHERE n.value IS DISTINCT FROM old_row -> n.key;
    IF changed IS NULL THEN
        RETURN NULL;
    END IF;
    IF 'id' = ANY (changed) THEN
        RAISE EXCEPTION 'Column "id" of %.% cannot change: it is the record''s Salesforce Id.', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = '428C9', COLUMN = 'id', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    -- A record created in this transaction is still a create for Salesforce.
    SELECT c INTO refused FROM unnest(changed) c
     WHERE c = ANY (string_to_array(CASE WHEN starts_with(OLD.id, '@PREFIX@') THEN TG_ARGV[1] ELSE TG_ARGV[0] END, ','))
     ORDER BY c LIMIT 1;
    IF refused IS NOT NULL THEN
        RAISE EXCEPTION 'Salesforce does not let column "%" of %.% be changed.', refused, TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = '428C9', COLUMN = refused, TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
                  HINT = 'Salesforce sets it (a system field, formula or auto-number, or a field this user may not change).';
    END IF;
    INSERT INTO tether.capture (table_oid, op, record_id, old_row, changed, new_row)
    VALUES (TG_RELID, 'update', OLD.id, old_row, changed, new_row);
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION tether.refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF current_setting('tether.writer', true) IN ('sync', 'proxy') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'TRUNCATE of %.% cannot be sent to Salesforce.', TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = '0A000', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
              HINT = 'Delete the rows with DELETE through Tether''s proxy.';
END
$fn$;

-- Fires at COMMIT for every change still captured. The proxy removes the
-- changes Salesforce accepted just before it lets a COMMIT through; when
-- Salesforce refused them it sets tether.refusal (transaction-local) to the
-- error the client must get, so PostgreSQL itself ends the transaction with
-- that error, in the simple and the extended protocol alike.
CREATE OR REPLACE FUNCTION tether.refuse_unapplied() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    refusal jsonb;
    target text;
    address text;
BEGIN
    PERFORM 1 FROM tether.capture WHERE seq = NEW.seq;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    refusal := nullif(current_setting('tether.refusal', true), '')::jsonb;
    IF refusal IS NOT NULL THEN
        IF coalesce(refusal ->> 'column', '') <> '' THEN
            RAISE EXCEPTION USING ERRCODE = refusal ->> 'sqlstate', MESSAGE = refusal ->> 'message',
                DETAIL = coalesce(refusal ->> 'detail', ''), HINT = coalesce(refusal ->> 'hint', ''), SCHEMA = coalesce(refusal ->> 'schema', ''),
                TABLE = coalesce(refusal ->> 'table', ''), COLUMN = refusal ->> 'column';
        END IF;
        RAISE EXCEPTION USING ERRCODE = refusal ->> 'sqlstate', MESSAGE = refusal ->> 'message',
            DETAIL = coalesce(refusal ->> 'detail', ''), HINT = coalesce(refusal ->> 'hint', ''), SCHEMA = coalesce(refusal ->> 'schema', ''),
            TABLE = coalesce(refusal ->> 'table', '');
    END IF;
    SELECT format('%I.%I', n.nspname, c.relname) INTO target
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = NEW.table_oid;
    SELECT e.address INTO address FROM tether.proxy_endpoint e;
    RAISE EXCEPTION 'Writes to % must go through Tether''s proxy%, which applies them to Salesforce first; this transaction was rolled back.',
                    target, coalesce(' at ' || address, '')
        USING ERRCODE = '42501',
              HINT = coalesce(format('Connect to %s instead of to PostgreSQL directly', address),
                              'Start Tether and connect through its proxy instead of to PostgreSQL directly')
                     || '; through the proxy, write with INSERT, UPDATE or DELETE (COPY and writes made inside a function that a SELECT calls are not sent).';
END
$fn$;

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'tether.capture'::regclass
                                              AND tgname = 'tether_must_reach_salesforce') THEN
        CREATE CONSTRAINT TRIGGER tether_must_reach_salesforce AFTER INSERT ON tether.capture
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tether.refuse_unapplied();
    END IF;
END
$do$;

-- Earlier versions looked the current row up with this; new_row replaced it.
DROP FUNCTION IF EXISTS tether.current_row(regclass, text);

-- What the proxy reads at COMMIT: this transaction's captured changes, with
-- the object each table mirrors, a fingerprint of its describe, and the row
-- as it is now: as the record's last change in this transaction left it
-- (NULL when that change deleted it). Every change to a synced table's row
-- made in the transaction is captured, except the proxy's and the sync
-- engine's own, which come after this read or in other transactions (which
-- cannot touch a row this one changed before it ends).
CREATE OR REPLACE FUNCTION tether.captured_changes()
RETURNS TABLE (seq bigint, table_oid oid, table_schema text, table_name text, object_name text,
               describe_md5 text, op text, record_id text, old_row jsonb, changed text[], current_row jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    RETURN QUERY
    SELECT c.seq, c.table_oid, n.nspname::text, r.relname::text, s.object_name, s.describe_md5,
           c.op, c.record_id, c.old_row, c.changed, c.current_row
      FROM (SELECT x.*, last_value(x.new_row) OVER (PARTITION BY x.table_oid, x.record_id ORDER BY x.seq
                                                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS current_row
              FROM tether.capture x
             WHERE x.xid = pg_current_xact_id_if_assigned()) c
      JOIN pg_class r ON r.oid = c.table_oid
      JOIN pg_namespace n ON n.oid = r.relnamespace
      LEFT JOIN tether.sync_state s ON s.table_schema = n.nspname AND s.table_name = r.relname
     ORDER BY c.seq;
END
$fn$;

CREATE OR REPLACE FUNCTION tether.table_describe(object text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
    SELECT s.describe_json FROM tether.sync_state s WHERE s.object_name = object
$fn$;

-- Called by the proxy once Salesforce accepted the changes, just before COMMIT.
-- PL/pgSQL, not SQL: its plan is kept for the session (0.17 ms -> 0.06 ms).
CREATE OR REPLACE FUNCTION tether.forget_captured() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    forgotten bigint;
BEGIN
    DELETE FROM tether.capture WHERE xid = pg_current_xact_id_if_assigned();
    GET DIAGNOSTICS forgotten = ROW_COUNT;
    RETURN forgotten;
END
$fn$;
)sql";

QString joinColumns(const QStringList &columns)
{
    // Column names of mirror tables are lower-case field API names: no commas.
    return columns.join(u',');
}

} // namespace

QString CaptureTriggers::schemaSql()
{
    return QString::fromUtf8(schemaSqlText)
        .replace(QLatin1String("@PREFIX@"), QLatin1String(ProvisionalPrefix))
        .replace(QLatin1String("@ENDPOINT@"), endpointSql());
}

QString CaptureTriggers::endpointSql()
{
    return QString::fromUtf8(endpointSqlText);
}

QString CaptureTriggers::tableSql(const schema::TableSchema &table, const QStringList &notCreateable,
                                  const QStringList &notUpdateable)
{
    const QString target = table.qualifiedName();
    QString sql;
    // A new row's provisional id is the default of its id column, not a
    // BEFORE INSERT trigger's: with any BEFORE row trigger on the table,
    // PostgreSQL's COPY inserts row by row instead of in batches, and the
    // engine's backfill pages took about a fifth longer in the server. The
    // sync engine and the proxy always give the id, so the default only
    // serves a client's INSERT; tether.capture_change refuses an id the
    // client chose.
    sql += QStringLiteral("DROP TRIGGER IF EXISTS tether_provisional_id ON %1;\n").arg(target);
    sql += QStringLiteral("ALTER TABLE %1 ALTER COLUMN id SET DEFAULT %2 || lpad(nextval('tether.provisional_id')::text, 13, '0');\n")
               .arg(target, sqlLiteral(QLatin1String(ProvisionalPrefix)));
    // The sync engine's own writes (tether.writer = 'sync': rows from
    // Salesforce) and the proxy's (Salesforce's answer written back) skip
    // the triggers in their WHEN, without a function call per row or a
    // queued after-trigger event: a 500,000-row backfill page is written in
    // half the time (decision 0026). The functions still check.
    const QString notOwnWrites =
        QStringLiteral("WHEN (coalesce(current_setting('tether.writer', true), '') NOT IN ('sync', 'proxy')) ");
    sql += QStringLiteral("DROP TRIGGER IF EXISTS tether_capture ON %1;\n").arg(target);
    sql += QStringLiteral("CREATE TRIGGER tether_capture AFTER INSERT OR UPDATE OR DELETE ON %1 FOR EACH ROW %4"
                          "EXECUTE FUNCTION tether.capture_change(%2, %3);\n")
               .arg(target, sqlLiteral(joinColumns(notUpdateable)), sqlLiteral(joinColumns(notCreateable)), notOwnWrites);
    sql += QStringLiteral("DROP TRIGGER IF EXISTS tether_no_truncate ON %1;\n").arg(target);
    sql += QStringLiteral("CREATE TRIGGER tether_no_truncate BEFORE TRUNCATE ON %1 FOR EACH STATEMENT "
                          "EXECUTE FUNCTION tether.refuse_truncate();\n")
               .arg(target);
    return sql;
}

void CaptureTriggers::readOnlyColumns(const schema::TableSchema &table, const schema::ObjectDescribe &describe,
                                      QStringList *notCreateable, QStringList *notUpdateable)
{
    for (const schema::ColumnSpec &column : table.columns) {
        if (column.name == QLatin1String("id"))
            continue;
        const schema::FieldDescribe *field = describe.field(column.fieldName);
        if (!field || !field->createable)
            *notCreateable << column.name;
        if (!field || !field->updateable)
            *notUpdateable << column.name;
    }
}

store::PgError CaptureTriggers::install(store::PgConnection &db, const schema::TableSchema &table)
{
    if (store::PgResult r = db.exec(schemaSql()); !r.ok())
        return r.error();
    QStringList notCreateable;
    QStringList notUpdateable;
    const store::PgResult describe =
        db.exec(QStringLiteral("SELECT describe_json FROM tether.sync_state WHERE object_name = $1"), {table.objectName});
    if (describe.ok() && describe.rowCount() == 1 && !describe.isNull(0, 0)) {
        const schema::ObjectDescribe object =
            schema::ObjectDescribe::fromJson(QJsonDocument::fromJson(describe.value(0, 0).toUtf8()).object());
        readOnlyColumns(table, object, &notCreateable, &notUpdateable);
    } else if (!describe.ok()) {
        return describe.error();
    }
    return db.exec(tableSql(table, notCreateable, notUpdateable)).error();
}

QString CaptureTriggers::mirrorWriteLockSql(const QString &qualifiedTable, bool shared)
{
    QString literal = qualifiedTable;
    literal.replace(u'\'', QLatin1String("''"));
    return QStringLiteral("SELECT %1(74657469, hashtext('%2'))")
        .arg(shared ? QLatin1String("pg_advisory_xact_lock_shared") : QLatin1String("pg_advisory_xact_lock"), literal);
}

} // namespace tether::proxy
