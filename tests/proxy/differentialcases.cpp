#include "differentialcases.h"

namespace tether::test {

namespace {

using Case = DifferentialCase;

// Runs one simple query up to its ReadyForQuery.
bool simple(RawClient &c, Transcript &t, QString *why, const QByteArray &sql)
{
    c.query(sql);
    if (!c.readUntil('Z', &t)) {
        *why = QStringLiteral("%1: %2").arg(QString::fromUtf8(sql.left(60)), c.lastError());
        return false;
    }
    return true;
}

bool until(RawClient &c, Transcript &t, QString *why, char type, int count = 1)
{
    if (!c.readUntil(type, &t, count)) {
        *why = QStringLiteral("waiting for '%1': %2").arg(QLatin1Char(type)).arg(c.lastError());
        return false;
    }
    return true;
}

constexpr quint32 Int4 = 23, Text = 25, Numeric = 1700, Bytea = 17;

} // namespace

QList<DifferentialCase> differentialCases()
{
    QList<Case> cases;

    cases.append({"simple select with nulls and types", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why,
                      "SELECT 1 AS a, NULL::text AS b, 'x'::text AS c, 12345.678900::numeric(12,6) AS d, "
                      "'2024-02-29 12:34:56.789+00'::timestamptz AS e, '\\x00ff'::bytea AS f, "
                      "ARRAY[1,NULL,3] AS g, '{\"k\": [1, 2]}'::jsonb AS h, true AS i, 'NaN'::float8 AS j, "
                      "'' AS empty, repeat('ü', 3) AS utf8");
    }});

    cases.append({"multi-statement string", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why,
                      "SELECT 1; SELECT 'two' AS two; CREATE TEMP TABLE multi(x int); "
                      "INSERT INTO multi VALUES (1),(2),(NULL); SELECT x * 1 AS x FROM multi ORDER BY x; "
                      "UPDATE multi SET x = x + 1 WHERE x IS NOT NULL; DELETE FROM multi WHERE x = 3; "
                      "SELECT count(*), sum(x) FROM multi");
    }});

    // RowDescription names the source table's oid, so rows are read from a
    // table that exists before both runs (temporary ones differ per run).
    cases.append({"reading a table", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "SELECT * FROM diff_people ORDER BY id")
               && simple(c, t, why, "SELECT name, count(*) FROM diff_people GROUP BY name ORDER BY name")
               && simple(c, t, why, "SELECT * FROM diff_people WHERE id = -1");
    }});

    cases.append({"empty queries", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "") && simple(c, t, why, ";") && simple(c, t, why, "  ;  ; ");
    }});

    cases.append({"errors in simple queries", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "SELECT 1/0") && simple(c, t, why, "SELECT 1; SELECT 1/0; SELECT 2")
               && simple(c, t, why, "SELEKT broken syntax") && simple(c, t, why, "SELECT * FROM no_such_table")
               && simple(c, t, why, "SELECT 'still alive'");
    }});

    cases.append({"notices and warnings", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why,
                      "DO $$BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; "
                      "RAISE INFO 'info line'; END$$")
               && simple(c, t, why, "SET client_min_messages = debug1")
               && simple(c, t, why, "DROP TABLE IF EXISTS surely_not_there");
    }});

    cases.append({"transaction status I T E I", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "BEGIN") && simple(c, t, why, "SELECT 1") && simple(c, t, why, "SELECT 1/0")
               && simple(c, t, why, "SELECT 2") && simple(c, t, why, "ROLLBACK")
               && simple(c, t, why, "BEGIN; SAVEPOINT s; SELECT 1/0; ROLLBACK TO SAVEPOINT s; SELECT 3; COMMIT");
    }});

    cases.append({"parameter status changes", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "SET application_name = 'renamed'") && simple(c, t, why, "SET TimeZone = 'Europe/Berlin'")
               && simple(c, t, why, "SELECT '2024-07-01 00:00:00+00'::timestamptz")
               && simple(c, t, why, "RESET ALL");
    }});

    cases.append({"extended: named statement, describe, text and binary", [](RawClient &c, Transcript &t, QString *why) {
        c.parse("s1", "SELECT $1::int4 + 1 AS n, $2::text AS t, $3::numeric AS m, $4::bytea AS b", {Int4, Text, Numeric, Bytea});
        c.describe('S', "s1");
        c.bind("", "s1", {"41", "hello", "3.14159", "\\x0102"});
        c.describe('P', "");
        c.execute("");
        // Binary parameters and binary results.
        c.bind("", "s1", {int32(7), "binary", "2.5", QByteArray("\x00\x01\x02", 3)}, {1, 0, 0, 1}, {1});
        c.execute("");
        c.bind("", "s1", {{}, {}, {}, {}}, {}, {0, 1, 0, 1}, {true, true, true, true});
        c.execute("");
        c.sync();
        return until(c, t, why, 'Z');
    }});

    cases.append({"extended: unnamed statement and close", [](RawClient &c, Transcript &t, QString *why) {
        c.parse("", "SELECT generate_series(1, $1::int) AS g", {});
        c.bind("", "", {"5"});
        c.execute("");
        c.parse("named", "SELECT 'named'");
        c.close('S', "named");
        c.close('P', "nothing_here");
        c.describe('S', "");
        c.sync();
        return until(c, t, why, 'Z');
    }});

    cases.append({"pipeline: 200 bind/execute before one sync", [](RawClient &c, Transcript &t, QString *why) {
        c.parse("p", "SELECT $1::int * 2 AS doubled, repeat('r', $1::int % 17) AS padding");
        for (int i = 0; i < 200; ++i) {
            c.bind("", "p", {QByteArray::number(i)});
            c.execute("");
        }
        c.sync();
        return until(c, t, why, 'Z');
    }});

    cases.append({"pipeline: error in the middle skips to sync", [](RawClient &c, Transcript &t, QString *why) {
        c.parse("ok", "SELECT 1 AS fine");
        c.bind("", "ok", {});
        c.execute("");
        c.parse("", "SELECT 1/0");
        c.bind("", "", {});
        c.execute("");
        c.bind("", "ok", {}); // skipped by the server
        c.execute("");
        c.query("SELECT 'skipped too'");
        c.sync();
        c.bind("", "ok", {}); // after the sync: runs again
        c.execute("");
        c.sync();
        return until(c, t, why, 'Z', 2);
    }});

    cases.append({"pipeline: errors in transaction, several syncs", [](RawClient &c, Transcript &t, QString *why) {
        c.query("BEGIN");
        c.parse("", "SELECT 'in tx'");
        c.bind("", "", {});
        c.execute("");
        c.sync();
        c.parse("", "SELECT no_column");
        c.sync();
        c.parse("", "SELECT 'aborted'");
        c.bind("", "", {});
        c.execute("");
        c.sync();
        c.query("ROLLBACK");
        return until(c, t, why, 'Z', 5);
    }});

    cases.append({"flush returns answers before sync", [](RawClient &c, Transcript &t, QString *why) {
        c.parse("f", "SELECT 'flushed'");
        c.flush();
        if (!until(c, t, why, '1'))
            return false;
        c.bind("", "f", {});
        c.execute("");
        c.flush();
        if (!until(c, t, why, 'C'))
            return false;
        c.sync();
        return until(c, t, why, 'Z');
    }});

    cases.append({"portal suspended with max rows", [](RawClient &c, Transcript &t, QString *why) {
        c.query("BEGIN");
        c.parse("", "SELECT g FROM generate_series(1, 10) g");
        c.bind("cur", "", {});
        for (int i = 0; i < 5; ++i)
            c.execute("cur", 3);
        c.close('P', "cur");
        c.sync();
        c.query("COMMIT");
        return until(c, t, why, 'Z', 3);
    }});

    cases.append({"cursors", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "BEGIN")
               && simple(c, t, why, "DECLARE c CURSOR FOR SELECT g, md5(g::text) FROM generate_series(1, 1000) g")
               && simple(c, t, why, "FETCH 100 FROM c") && simple(c, t, why, "MOVE 500 IN c")
               && simple(c, t, why, "FETCH ALL FROM c") && simple(c, t, why, "CLOSE c")
               && simple(c, t, why, "DECLARE b BINARY CURSOR FOR SELECT 1::int4, 'x'::text")
               && simple(c, t, why, "FETCH 1 FROM b") && simple(c, t, why, "COMMIT");
    }});

    cases.append({"copy to stdout, text and binary", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "COPY (SELECT g, md5(g::text), NULL::int FROM generate_series(1, 50000) g) TO STDOUT")
               && simple(c, t, why, "COPY (SELECT g, g::text FROM generate_series(1, 1000) g) TO STDOUT (FORMAT binary)")
               && simple(c, t, why, "COPY (SELECT 1) TO STDOUT (FORMAT csv, HEADER)");
    }});

    cases.append({"copy from stdin into a scratch table", [](RawClient &c, Transcript &t, QString *why) {
        if (!simple(c, t, why, "CREATE TEMP TABLE scratch(id int, label text, note text)"))
            return false;
        c.query("COPY scratch FROM STDIN");
        if (!until(c, t, why, 'G'))
            return false;
        // About 3 MB in chunks that do not line up with rows.
        QByteArray data;
        for (int i = 0; i < 60000; ++i)
            data += QByteArray::number(i) + "\tlabel " + QByteArray::number(i * 7) + "\t\\N\n";
        for (qsizetype at = 0; at < data.size(); at += 7777)
            c.copyData(data.mid(at, 7777));
        c.copyDone();
        if (!until(c, t, why, 'Z'))
            return false;
        return simple(c, t, why, "SELECT count(*), sum(id), count(note), max(label) FROM scratch");
    }});

    cases.append({"copy from stdin: fail and error", [](RawClient &c, Transcript &t, QString *why) {
        if (!simple(c, t, why, "CREATE TEMP TABLE scratch2(id int)"))
            return false;
        c.query("COPY scratch2 FROM STDIN");
        if (!until(c, t, why, 'G'))
            return false;
        c.copyData("1\n2\n");
        c.copyFail("client gave up");
        if (!until(c, t, why, 'Z'))
            return false;
        c.query("COPY scratch2 FROM STDIN");
        if (!until(c, t, why, 'G'))
            return false;
        c.copyData("1\nnot a number\n");
        c.copyDone();
        if (!until(c, t, why, 'Z'))
            return false;
        // COPY in the extended protocol.
        // COPY in the extended protocol, as libpq sends it: the Sync behind
        // the Execute is ignored in copy mode, a second one follows CopyDone.
        c.parse("", "COPY scratch2 FROM STDIN");
        c.bind("", "", {});
        c.describe('P', "");
        c.execute("");
        c.sync();
        if (!until(c, t, why, 'G'))
            return false;
        c.copyData("5\n6\n");
        c.copyDone();
        c.sync();
        if (!until(c, t, why, 'Z'))
            return false;
        return simple(c, t, why, "SELECT count(*), sum(id) FROM scratch2");
    }});

    cases.append({"large result: 200k rows", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "SELECT g, repeat('x', 20) AS pad, g::numeric / 7 AS frac FROM generate_series(1, 200000) g");
    }});

    cases.append({"wide rows of 1 MB", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "SELECT g, repeat(md5(g::text), 32768) FROM generate_series(1, 8) g");
    }});

    cases.append({"listen and notify on one session", [](RawClient &c, Transcript &t, QString *why) {
        return simple(c, t, why, "LISTEN tether_channel") && simple(c, t, why, "NOTIFY tether_channel, 'payload one'")
               && simple(c, t, why, "SELECT pg_notify('tether_channel', 'payload two')")
               && simple(c, t, why, "UNLISTEN *");
    }});

    cases.append({"function call message", [](RawClient &c, Transcript &t, QString *why) {
        // FunctionCall for int4pl (oid 177): 2 + 40, binary arguments and result.
        QByteArray body = int32(177) + int16(1) + int16(1) + int16(2) + int32(4) + int32(2) + int32(4)
                          + int32(40) + int16(1);
        if (c.recordSentTo)
            c.recordSentTo->sent('F');
        c.sendRaw(QByteArray("F") + int32(qint32(body.size() + 4)) + body);
        return until(c, t, why, 'Z');
    }});

    cases.append({"terminate closes the connection", [](RawClient &c, Transcript &t, QString *why) {
        if (!simple(c, t, why, "SELECT 'bye'"))
            return false;
        c.terminate();
        if (!c.isClosed()) {
            *why = QStringLiteral("connection still open after Terminate");
            return false;
        }
        return true;
    }});

    return cases;
}

} // namespace tether::test
