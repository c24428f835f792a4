#include "proxy/capturetriggers.h"

namespace tether::proxy {

QString captureSchemaSql()
{
    return QStringLiteral(R"sql(
CREATE TABLE IF NOT EXISTS tether.pending_write (
    seq         bigserial PRIMARY KEY,
    txid        bigint NOT NULL DEFAULT txid_current(),
    object_name text NOT NULL,
    table_name  text NOT NULL,
    op          text NOT NULL,
    record_id   text NOT NULL,
    old_row     jsonb,
    new_row     jsonb
);
COMMENT ON TABLE tether.pending_write IS 'Tether: changes to synced tables not yet applied to Salesforce (only ever seen inside their own transaction)';
CREATE TABLE IF NOT EXISTS tether.write_log (
    at           timestamptz NOT NULL DEFAULT now(),
    db_user      text NOT NULL DEFAULT session_user,
    client_addr  text,
    object_name  text NOT NULL,
    op           text NOT NULL,
    record_ids   text[] NOT NULL,
    changed      text[],
    outcome      text NOT NULL,
    error        text
);
COMMENT ON TABLE tether.write_log IS 'Tether: every write the proxy sent to Salesforce, and what came of it';
CREATE SEQUENCE IF NOT EXISTS tether.provisional_id;

CREATE OR REPLACE FUNCTION tether.assign_provisional_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL AND coalesce(current_setting('tether.writer', true), '') NOT IN ('sync', 'apply') THEN
        NEW.id := '~' || lpad(nextval('tether.provisional_id')::text, 17, '0');
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION tether.capture_write() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF coalesce(current_setting('tether.writer', true), '') IN ('sync', 'apply') THEN
        RETURN NULL;
    END IF;
    INSERT INTO tether.pending_write (object_name, table_name, op, record_id, old_row, new_row)
    VALUES (TG_ARGV[0], quote_ident(TG_TABLE_SCHEMA) || '.' || quote_ident(TG_TABLE_NAME), TG_OP,
            CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
            CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,
            CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tether.refuse_unapplied() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    -- Set by the proxy when Salesforce refused this transaction: the COMMIT
    -- fails with Salesforce's reason, whichever protocol the client used.
    refusal jsonb := nullif(current_setting('tether.refusal', true), '')::jsonb;
BEGIN
    IF EXISTS (SELECT 1 FROM tether.pending_write WHERE seq = NEW.seq) THEN
        IF refusal IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = refusal->>'code', MESSAGE = refusal->>'message',
                DETAIL = coalesce(refusal->>'detail', ''), HINT = coalesce(refusal->>'hint', ''),
                SCHEMA = coalesce(refusal->>'schema', ''), TABLE = coalesce(refusal->>'table', ''),
                COLUMN = coalesce(refusal->>'column', '');
        END IF;
        RAISE EXCEPTION 'This change to % was not written to Salesforce, so it cannot be committed.', NEW.table_name
            USING ERRCODE = '55000',
                  HINT = 'Synced tables are written through Tether''s proxy: connect to the address Tether prints ("proxy listening on ...", port 6543 by default) instead of to PostgreSQL directly.';
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS refuse_unapplied ON tether.pending_write;
CREATE CONSTRAINT TRIGGER refuse_unapplied AFTER INSERT ON tether.pending_write
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tether.refuse_unapplied();
)sql");
}

QString captureTriggerSql(const QString &qualifiedTable, const QString &objectName)
{
    QString literal = objectName;
    literal.replace(u'\'', QStringLiteral("''"));
    return QStringLiteral("CREATE OR REPLACE TRIGGER tether_provisional_id BEFORE INSERT ON %1 "
                          "FOR EACH ROW EXECUTE FUNCTION tether.assign_provisional_id();\n"
                          "CREATE OR REPLACE TRIGGER tether_capture AFTER INSERT OR UPDATE OR DELETE ON %1 "
                          "FOR EACH ROW EXECUTE FUNCTION tether.capture_write('%2');\n")
        .arg(qualifiedTable, literal);
}

} // namespace tether::proxy
