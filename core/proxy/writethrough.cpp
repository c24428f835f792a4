#include "proxy/writethrough.h"

#include "logging.h"
#include "proxy/proxysession.h"
#include "proxy/salesforceerrors.h"
#include "proxy/statementclassifier.h"
#include "proxy/wire.h"
#include "salesforce/compositeapi.h"
#include "salesforce/orgsession.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

namespace tether::proxy {

namespace {

QByteArray sqlLiteral(const QByteArray &text)
{
    QByteArray quoted = text;
    quoted.replace('\'', "''");
    return '\'' + quoted + '\'';
}

QByteArray sqlLiteral(const QString &text) { return sqlLiteral(text.toUtf8()); }

QByteArray textArray(const QStringList &items)
{
    QStringList quoted;
    for (QString item : items)
        quoted << u'"' + item.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\"")) + u'"';
    return sqlLiteral(u'{' + quoted.join(u',') + u'}') + "::text[]";
}

// The column's value from Salesforce's JSON of the record (j), cast to the column's type.
QByteArray columnFromRecord(const QString &field, const QString &type)
{
    const QByteArray key = sqlLiteral(field);
    if (type == QLatin1String("text[]"))
        return "string_to_array(j->>" + key + ", ';')";
    if (type == QLatin1String("jsonb"))
        return "nullif(j->" + key + ", 'null'::jsonb)";
    if (type.startsWith(QLatin1String("time without")))
        return "rtrim(j->>" + key + ", 'Z')::time";
    return "(j->>" + key + ")::" + type.toUtf8();
}

struct Field
{
    quint32 tableOid = 0;
    qint16 column = 0;
    QByteArray name;
    qint16 format = 0;
};

QList<Field> parseRowDescription(QByteArrayView body)
{
    QList<Field> fields;
    wire::BodyReader reader(body);
    const qint16 count = reader.int16();
    for (qint16 i = 0; i < count && reader.ok(); ++i) {
        Field f;
        f.name = reader.cString().toByteArray();
        f.tableOid = quint32(reader.int32());
        f.column = reader.int16();
        reader.int32(); // type
        reader.int16(); // size
        reader.int32(); // modifier
        f.format = reader.int16();
        fields << f;
    }
    return fields;
}

} // namespace

WriteThrough::WriteThrough(ProxySession *session, salesforce::RestClient *client, QObject *parent)
    : QObject(parent), m_session(session), m_client(client)
{
    session->setClientMessageFilter([this](char type, QByteArrayView message) { return onClientMessage(type, message); });
    session->setServerMessageFilter([this](char type, QByteArrayView message) { return onServerMessage(type, message); });
}

void WriteThrough::track(char type, QByteArrayView message)
{
    wire::BodyReader body(message.sliced(5));
    if (type == 'P') {
        const QByteArray name = body.cString().toByteArray();
        m_statements.insert(name, body.cString().toByteArray());
    } else if (type == 'B') {
        const QByteArray portal = body.cString().toByteArray();
        m_portals.insert(portal, m_statements.value(body.cString().toByteArray()));
    } else if (type == 'C') {
        const char what = body.byte();
        const QByteArray name = body.cString().toByteArray();
        (what == 'S' ? m_statements : m_portals).remove(name);
    }
}

bool WriteThrough::onExtendedMessage(char type, QByteArrayView message)
{
    const char status = m_session->tracker().transactionStatus();
    // A statement is looked at when it is parsed (a query of ours between an
    // unnamed statement's Parse and Bind would destroy it), and a named one
    // again when it is bound later on its own: a driver running it again.
    wire::BodyReader body(message.sliced(5));
    body.cString(); // statement (Parse) or portal (Bind) name
    const QByteArray second = body.cString().toByteArray(); // query (Parse) or statement (Bind)
    track(type, message);
    QByteArray sql;
    if (type == 'P')
        sql = second;
    else if (!second.isEmpty())
        sql = m_statements.value(second);
    // Only between requests: a query of ours in the middle of a client's
    // batch would land inside it. A COMMIT pipelined behind other statements
    // is then not taken over — and fails closed if it should have been.
    if (sql.isEmpty() || !m_session->tracker().idle())
        return true;
    const StatementClass statements = classifyStatements(sql);
    const bool committing = status == 'T' && statements.isOnly("COMMIT");
    const bool autocommitWrite = status == 'I' && statements.mayWrite && statements.transactionControl.isEmpty();
    if (!statements.parsed || (!committing && !autocommitWrite))
        return true;
    m_mode = committing ? Mode::Committing : Mode::WrappingExtended;
    const QStringList targets = statements.writeTargets;
    learnSyncedTables([this, committing, targets] {
        if (!m_session)
            return;
        if (!m_capturing || (!committing && !touchesSyncedTable(targets))) {
            m_mode = Mode::Relaying;
            m_session->releaseHeldMessage();
            return;
        }
        if (committing) {
            // The COMMIT goes on either way; refused, it fails in the
            // server with Salesforce's reason (capture triggers, tether.refusal).
            applyPending([this](const std::optional<WriteRefusal> &refusal) {
                if (!m_session)
                    return;
                auto release = [this] {
                    m_mode = Mode::Relaying;
                    m_session->releaseHeldMessage();
                };
                if (!refusal)
                    return release();
                qCInfo(lcProxy).noquote() << m_session->clientAddress() << "write refused:" << refusal->message << refusal->detail;
                const PostgresErrorCode mapped = postgresErrorFor(refusal->error);
                const QJsonObject reason{{QStringLiteral("code"), QString::fromLatin1(refusal->sqlState.isEmpty() ? QByteArray(mapped.sqlState) : refusal->sqlState)},
                                         {QStringLiteral("message"), refusal->message},
                                         {QStringLiteral("detail"), refusal->detail},
                                         {QStringLiteral("hint"), refusal->hint.isEmpty() ? mapped.hint : refusal->hint},
                                         {QStringLiteral("schema"), refusal->schema},
                                         {QStringLiteral("table"), refusal->table},
                                         {QStringLiteral("column"), refusal->column}};
                ownQuery("SELECT set_config('tether.refusal', " + sqlLiteral(QJsonDocument(reason).toJson(QJsonDocument::Compact)) + ", true)",
                         [release](const QString &, const QByteArray &, const Rows &) { release(); });
            });
            return;
        }
        m_held.clear();
        ownQuery("BEGIN", [this](const QString &, const QByteArray &, const Rows &) {
            if (m_session)
                m_session->releaseHeldMessage();
        });
    });
    return false;
}

void WriteThrough::finishExtendedWrap()
{
    applyPending([this](const std::optional<WriteRefusal> &refusal) {
        if (!m_session)
            return;
        auto finish = [this](const QByteArray &toClient) {
            m_held.clear();
            m_mode = Mode::Relaying;
            m_session->sendToClient(toClient);
            m_session->releaseHeldMessage(); // the Sync: the server answers ReadyForQuery, idle
        };
        if (refusal) {
            ownQuery("ROLLBACK", [this, finish, error = errorFor(*refusal)](const QString &, const QByteArray &, const Rows &) {
                // What the client asked about stays (ParseComplete, BindComplete,
                // descriptions); results give way to the error.
                QByteArray kept;
                qsizetype pos = 0;
                while (pos + 5 <= m_held.size()) {
                    const char type = m_held.at(pos);
                    const qint32 length = qFromBigEndian<qint32>(m_held.constData() + pos + 1);
                    if (type != 'D' && type != 'C')
                        kept.append(m_held.constData() + pos, 1 + length);
                    pos += 1 + length;
                }
                finish(kept + error);
            });
            return;
        }
        ownQuery("COMMIT", [this, finish](const QString &error, const QByteArray &sqlState, const Rows &) {
            if (!error.isEmpty()) {
                WriteRefusal failed;
                failed.sqlState = sqlState;
                failed.message = error;
                return finish(errorFor(failed));
            }
            finish(rewriteReturning(m_held));
        });
    });
}

bool WriteThrough::onClientMessage(char type, QByteArrayView message)
{
    if (m_mode == Mode::WrappingExtended) {
        if (type == 'S') {
            finishExtendedWrap();
            return false;
        }
        if (type == 'H' && !m_held.isEmpty()) // the client waits for what it sent so far
            m_session->sendToClient(std::exchange(m_held, {}));
        track(type, message);
        return true;
    }
    if (m_mode != Mode::Relaying)
        return true;
    if (type == 'P' || type == 'B')
        return onExtendedMessage(type, message);
    if (type == 'C')
        track(type, message);
    if (type != 'Q' || message.size() < 6 || !m_session->tracker().idle())
        return true;
    const QByteArray sql = message.sliced(5, message.size() - 6).toByteArray(); // without the header and the NUL
    const char status = m_session->tracker().transactionStatus();
    const StatementClass statements = classifyStatements(sql);
    if (!statements.parsed)
        return true; // the server says what is wrong with it

    const bool committing = status == 'T' && (statements.isOnly("COMMIT") || statements.isOnly("COMMIT_PREPARED"));
    const bool autocommitWrite = status == 'I' && statements.mayWrite && statements.transactionControl.isEmpty();
    if (!committing && !autocommitWrite)
        return true;
    // Held while we look; then committed through Salesforce, wrapped, or let go.
    m_mode = committing ? Mode::Committing : Mode::Wrapping;
    const QStringList targets = statements.writeTargets;
    learnSyncedTables([this, committing, targets] {
        if (!m_session)
            return;
        if (!m_capturing || (!committing && !touchesSyncedTable(targets))) {
            m_mode = Mode::Relaying;
            m_session->releaseHeldMessage();
            return;
        }
        if (committing) {
            applyPending([this](const std::optional<WriteRefusal> &refusal) {
                if (!m_session)
                    return;
                if (!refusal) {
                    m_mode = Mode::Relaying;
                    m_session->releaseHeldMessage();
                    return;
                }
                finishRefused(*refusal);
            });
            return;
        }
        // Autocommit: the statement runs in a transaction of ours, its
        // results held until Salesforce has answered.
        m_held.clear();
        ownQuery("BEGIN", [this](const QString &, const QByteArray &, const Rows &) {
            if (m_session)
                m_session->releaseHeldMessage();
        });
    });
    return false;
}

void WriteThrough::learnSyncedTables(std::function<void()> then)
{
    ownQuery("SELECT to_regclass('tether.pending_write') IS NOT NULL AND to_regclass('tether.sync_state') IS NOT NULL",
             [this, then = std::move(then)](const QString &, const QByteArray &, const Rows &rows) {
                 m_capturing = !rows.isEmpty() && rows.first().values.value(0) == "t";
                 if (!m_capturing)
                     return then();
                 ownQuery("SELECT table_schema, table_name FROM tether.sync_state",
                          [this, then](const QString &, const QByteArray &, const Rows &names) {
                              m_syncedNames.clear();
                              for (const Row &row : names) {
                                  m_syncedNames << QString::fromUtf8(row.values.value(0) + '.' + row.values.value(1));
                                  m_syncedNames << QString::fromUtf8(row.values.value(1));
                              }
                              then();
                          });
             });
}

bool WriteThrough::touchesSyncedTable(const QStringList &targets) const
{
    for (const QString &target : targets) {
        if (m_syncedNames.contains(target.toLower()))
            return true;
    }
    return false;
    return true;
}

bool WriteThrough::onServerMessage(char type, QByteArrayView message)
{
    if (m_mode == Mode::WrappingExtended) {
        m_held.append(message.data(), message.size());
        return false;
    }
    if (m_mode != Mode::Wrapping)
        return true;
    m_held.append(message.data(), message.size());
    if (type != 'Z')
        return false;
    // The wrapped statement is done; its transaction is ours to finish.
    const char status = message.size() > 5 ? message.at(5) : 'I';
    auto deliver = [this](const QByteArray &messages) {
        m_mode = Mode::Relaying;
        // Its ReadyForQuery said 'T' (our transaction); the client's is over.
        QByteArray out = messages;
        out.chop(6);
        out += wire::readyForQuery('I');
        m_session->sendToClient(out);
    };
    if (status != 'T') {
        ownQuery("ROLLBACK", [this, deliver](const QString &, const QByteArray &, const Rows &) {
            if (m_session)
                deliver(std::exchange(m_held, {}));
        });
        return false;
    }
    applyPending([this, deliver](const std::optional<WriteRefusal> &refusal) {
        if (!m_session)
            return;
        if (refusal)
            return finishRefused(*refusal);
        ownQuery("COMMIT", [this, deliver](const QString &error, const QByteArray &sqlState, const Rows &) {
            if (!m_session)
                return;
            if (!error.isEmpty()) {
                WriteRefusal failed;
                failed.sqlState = sqlState;
                failed.message = error;
                m_held.clear();
                m_mode = Mode::Relaying;
                m_session->sendToClient(errorFor(failed) + wire::readyForQuery('I'));
                return;
            }
            deliver(rewriteReturning(std::exchange(m_held, {})));
        });
    });
    return false;
}

void WriteThrough::ownQuery(const QByteArray &sql, RowsDone done)
{
    struct Collected
    {
        Rows rows;
        QString error;
        QByteArray sqlState;
    };
    auto collected = std::make_shared<Collected>();
    m_session->sendOwnQuery(sql, [collected, done = std::move(done)](char type, QByteArrayView body) {
        if (type == 'D') {
            collected->rows << Row{wire::parseDataRow(body)};
        } else if (type == 'E' && collected->error.isEmpty()) {
            for (const wire::ErrorField &f : wire::parseErrorFields(body)) {
                if (f.code == 'M')
                    collected->error = QString::fromUtf8(f.value);
                else if (f.code == 'C')
                    collected->sqlState = f.value;
            }
        } else if (type == 'Z') {
            done(collected->error, collected->sqlState, collected->rows);
        }
    });
}

void WriteThrough::applyPending(std::function<void(const std::optional<WriteRefusal> &)> done)
{
    ownQuery("SELECT object_name, table_name, op, record_id, old_row::text, new_row::text FROM tether.pending_write "
             "WHERE txid = txid_current() ORDER BY seq",
             [this, done = std::move(done)](const QString &error, const QByteArray &sqlState, const Rows &rows) {
                 if (!m_session)
                     return;
                 if (!error.isEmpty()) {
                     // No capture table: nothing here is synced (or Tether never set this database up).
                     if (sqlState == "42P01")
                         return done(std::nullopt);
                     WriteRefusal refusal;
                     refusal.sqlState = sqlState;
                     refusal.message = error;
                     return done(refusal);
                 }
                 if (rows.isEmpty())
                     return done(std::nullopt);
                 QList<CapturedChange> changes;
                 QStringList objects;
                 for (const Row &row : rows) {
                     const CapturedChange change{QString::fromUtf8(row.values.value(0)), QString::fromUtf8(row.values.value(1)),
                                                 QString::fromUtf8(row.values.value(2)), QString::fromUtf8(row.values.value(3)),
                                                 row.values.value(4), row.values.value(5)};
                     if (!m_tables.contains(change.objectName) && !objects.contains(change.objectName))
                         objects << change.objectName;
                     changes << change;
                 }
                 loadTables(objects, [this, changes, done](const QString &loadError) {
                     if (!m_session)
                         return;
                     if (!loadError.isEmpty()) {
                         WriteRefusal refusal;
                         refusal.sqlState = "55000";
                         refusal.message = loadError;
                         return done(refusal);
                     }
                     QHash<QString, const SyncedTable *> tables;
                     for (auto it = m_tables.cbegin(); it != m_tables.cend(); ++it)
                         tables.insert(it.key(), &it.value());
                     auto batch = std::make_shared<WriteBatch>();
                     const QString dataPath = m_client ? m_client->session()->connection().dataPath() : QString();
                     if (std::optional<WriteRefusal> refusal = WriteBatch::build(changes, tables, dataPath, batch.get()))
                         return done(refusal);
                     sendBatch(batch, done);
                 });
             });
}

void WriteThrough::loadTables(const QStringList &objects, std::function<void(const QString &error)> done)
{
    if (objects.isEmpty())
        return done({});
    QStringList literals;
    for (const QString &o : objects)
        literals << QString::fromUtf8(sqlLiteral(o));
    const QByteArray sql = "SELECT s.object_name, s.table_schema, s.table_name, "
                           "to_regclass(quote_ident(s.table_schema) || '.' || quote_ident(s.table_name))::oid, s.describe_json, "
                           "(SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), '|') FROM pg_attribute a "
                           " WHERE a.attrelid = to_regclass(quote_ident(s.table_schema) || '.' || quote_ident(s.table_name)) "
                           " AND a.attnum > 0 AND NOT a.attisdropped) "
                           "FROM tether.sync_state s WHERE s.object_name IN (" + literals.join(u',').toUtf8() + ")";
    ownQuery(sql, [this, objects, done = std::move(done)](const QString &error, const QByteArray &, const Rows &rows) {
        if (!error.isEmpty())
            return done(error);
        for (const Row &row : rows) {
            SyncedTable table;
            table.objectName = QString::fromUtf8(row.values.value(0));
            table.schema = QString::fromUtf8(row.values.value(1));
            table.table = QString::fromUtf8(row.values.value(2));
            table.qualified = u'"' + table.schema + QStringLiteral("\".\"") + table.table + u'"';
            table.oid = row.values.value(3).toUInt();
            const QJsonArray fields = QJsonDocument::fromJson(row.values.value(4)).object().value(QLatin1String("fields")).toArray();
            for (const QJsonValue &v : fields) {
                const QJsonObject f = v.toObject();
                SyncedTable::Field field{f.value(QLatin1String("name")).toString(), f.value(QLatin1String("type")).toString(),
                                         f.value(QLatin1String("createable")).toBool(), f.value(QLatin1String("updateable")).toBool()};
                table.fields.insert(field.name.toLower(), field);
            }
            for (const QString &column : QString::fromUtf8(row.values.value(5)).split(u'|', Qt::SkipEmptyParts))
                table.columnType.insert(column.section(u' ', 0, 0), column.section(u' ', 1));
            m_tables.insert(table.objectName, table);
        }
        for (const QString &o : objects) {
            if (!m_tables.contains(o))
                return done(tr("%1 is not a table Tether syncs.").arg(o));
        }
        done({});
    });
}

void WriteThrough::sendBatch(std::shared_ptr<WriteBatch> batch, std::function<void(const std::optional<WriteRefusal> &)> done)
{
    if (batch->isEmpty()) {
        ownQuery("DELETE FROM tether.pending_write WHERE txid = txid_current()",
                 [done](const QString &, const QByteArray &, const Rows &) { done(std::nullopt); });
        return;
    }
    if (batch->nodeCount() > 500) {
        WriteRefusal refusal;
        refusal.sqlState = "54000";
        refusal.message = tr("This transaction changes more records than one Salesforce transaction can carry "
                             "(a composite graph holds 500 operations, a write and its read-back each count).");
        refusal.hint = tr("Commit in smaller transactions.");
        return done(refusal);
    }
    if (!m_client) {
        WriteRefusal refusal;
        refusal.sqlState = "08006";
        refusal.message = tr("Tether is not logged in to Salesforce, so writes to synced tables cannot be committed.");
        return done(refusal);
    }
    salesforce::CompositeApi(m_client).graph(batch->graphsJson(), [this, batch, done](const salesforce::JsonResult &answer) {
        if (!m_session)
            return;
        if (answer.error) {
            WriteRefusal refusal;
            refusal.error = answer.error;
            refusal.message = answer.error.toString();
            return done(refusal);
        }
        if (std::optional<WriteRefusal> refusal = batch->readAnswer(answer.body))
            return done(refusal);
        ownQuery(writeBackSql(*batch), [this, batch, done](const QString &error, const QByteArray &sqlState, const Rows &) {
            if (!m_session)
                return;
            if (!error.isEmpty()) {
                WriteRefusal refusal;
                refusal.sqlState = sqlState;
                refusal.message = tr("Salesforce accepted the change, but writing its answer to PostgreSQL failed: %1 "
                                     "The next poll brings the mirror up to date.")
                                      .arg(error);
                return done(refusal);
            }
            refreshReturning(*batch, [done] { done(std::nullopt); });
        });
    });
}

QByteArray WriteThrough::writeBackSql(const WriteBatch &batch) const
{
    QByteArray sql = "SET LOCAL tether.writer = 'apply';\n";
    QByteArray log;
    const QByteArray client = sqlLiteral(m_session->clientHost());
    for (const WriteBatch::Result &r : batch.results()) {
        const QByteArray table = r.table->qualified.toUtf8();
        if (!r.provisionalId.isEmpty()) {
            sql += "UPDATE " + table + " SET id = " + sqlLiteral(r.id) + " WHERE id = " + sqlLiteral(r.provisionalId) + ";\n";
            // References to it from rows of this transaction.
            for (const SyncedTable &other : m_tables) {
                for (auto f = other.fields.cbegin(); f != other.fields.cend(); ++f) {
                    if (f->type == QLatin1String("reference") && other.columnType.contains(f.key()))
                        sql += "UPDATE " + other.qualified.toUtf8() + " SET \"" + f.key().toUtf8() + "\" = " + sqlLiteral(r.id) +
                               " WHERE \"" + f.key().toUtf8() + "\" = " + sqlLiteral(r.provisionalId) + ";\n";
                }
            }
        }
        if (!r.record.isEmpty()) {
            // Salesforce's values, as it read the record back.
            const QJsonObject record = QJsonDocument::fromJson(r.record).object();
            QByteArrayList columns;
            QByteArrayList values;
            for (auto f = r.table->fields.cbegin(); f != r.table->fields.cend(); ++f) {
                if (f.key() == QLatin1String("id") || !record.contains(f->name) || !r.table->columnType.contains(f.key()))
                    continue;
                columns << '"' + f.key().toUtf8() + '"';
                values << columnFromRecord(f->name, r.table->columnType.value(f.key()));
            }
            if (!columns.isEmpty())
                sql += "UPDATE " + table + " AS t SET (" + columns.join(", ") + ") = ROW(" + values.join(", ") + ") FROM (SELECT " +
                       sqlLiteral(r.record) + "::jsonb AS j) s WHERE t.id = " + sqlLiteral(r.id) + ";\n";
        }
        log += (log.isEmpty() ? "" : ",") + QByteArray("(") + client + ", " + sqlLiteral(r.table->objectName) + ", " + sqlLiteral(r.op) +
               ", " + textArray({r.id}) + ", " + textArray(r.changedColumns) + ", 'applied')";
    }
    sql += "DELETE FROM tether.pending_write WHERE txid = txid_current();\n";
    sql += "INSERT INTO tether.write_log (client_addr, object_name, op, record_ids, changed, outcome) VALUES " + log + ";\n";
    return sql;
}

void WriteThrough::refreshReturning(const WriteBatch &batch, std::function<void()> done)
{
    m_realIds.clear();
    m_refreshed.clear();
    if (m_mode != Mode::Wrapping && m_mode != Mode::WrappingExtended)
        return done();
    QHash<const SyncedTable *, QStringList> ids;
    for (const WriteBatch::Result &r : batch.results()) {
        if (!r.provisionalId.isEmpty())
            m_realIds.insert(r.provisionalId, r.id);
        if (r.op != QLatin1String("DELETE"))
            ids[r.table] << QString::fromUtf8(sqlLiteral(r.id));
    }
    if (ids.isEmpty())
        return done();
    // Each table's rows as PostgreSQL writes them, with their (table, column) numbers.
    auto remaining = std::make_shared<int>(int(ids.size()));
    for (auto it = ids.cbegin(); it != ids.cend(); ++it) {
        const SyncedTable *table = it.key();
        // Columns by number, values in PostgreSQL's text output, one own query per table.
        QByteArrayList selects;
        for (auto c = table->columnType.cbegin(); c != table->columnType.cend(); ++c)
            selects << "t.\"" + c.key().toUtf8() + '"'; // text output, exactly as a client's DataRow carries it
        const QByteArray query = "SELECT t.id, " + selects.join(", ") + " FROM " + table->qualified.toUtf8() + " t WHERE t.id IN (" +
                                 it.value().join(u',').toUtf8() + ")";
        const QByteArray numbers = "SELECT attname, attnum FROM pg_attribute WHERE attrelid = " + QByteArray::number(table->oid) +
                                   " AND attnum > 0 AND NOT attisdropped";
        ownQuery(numbers, [this, table, query, remaining, done](const QString &, const QByteArray &, const Rows &attributes) {
            QHash<QString, qint16> attnum;
            for (const Row &a : attributes)
                attnum.insert(QString::fromUtf8(a.values.value(0)), qint16(a.values.value(1).toInt()));
            QList<qint16> order;
            for (auto c = table->columnType.cbegin(); c != table->columnType.cend(); ++c)
                order << attnum.value(c.key());
            ownQuery(query, [this, table, order, remaining, done](const QString &, const QByteArray &, const Rows &rows) {
                for (const Row &row : rows) {
                    QHash<QPair<quint32, qint16>, QByteArray> &values = m_refreshed[QString::fromUtf8(row.values.value(0))];
                    for (int i = 0; i < order.size(); ++i)
                        values.insert({table->oid, order[i]}, row.values.value(i + 1));
                }
                if (--*remaining == 0)
                    done();
            });
        });
    }
}

QByteArray WriteThrough::rewriteReturning(const QByteArray &messages) const
{
    if (m_realIds.isEmpty() && m_refreshed.isEmpty())
        return messages;
    QByteArray out;
    QList<Field> description;
    qsizetype pos = 0;
    while (pos + 5 <= messages.size()) {
        const char type = messages.at(pos);
        const qint32 length = qFromBigEndian<qint32>(messages.constData() + pos + 1);
        const QByteArrayView message(messages.constData() + pos, 1 + length);
        const QByteArrayView body = message.sliced(5);
        pos += 1 + length;
        if (type == 'T')
            description = parseRowDescription(body);
        if (type != 'D') {
            out.append(message.data(), message.size());
            continue;
        }
        QList<QByteArray> values = wire::parseDataRow(body);
        // Which record: a provisional Id in the row, or a real one we refreshed.
        QString record;
        for (const QByteArray &v : std::as_const(values)) {
            const QString text = QString::fromUtf8(v);
            if (m_realIds.contains(text))
                record = m_realIds.value(text);
            else if (record.isEmpty() && m_refreshed.contains(text))
                record = text;
        }
        const QHash<QPair<quint32, qint16>, QByteArray> refreshed = m_refreshed.value(record);
        for (int i = 0; i < values.size() && i < description.size(); ++i) {
            if (description[i].format != 0)
                continue; // binary results keep what the statement returned
            const auto key = qMakePair(description[i].tableOid, description[i].column);
            if (refreshed.contains(key))
                values[i] = refreshed.value(key);
            else if (m_realIds.contains(QString::fromUtf8(values[i])))
                values[i] = m_realIds.value(QString::fromUtf8(values[i])).toUtf8();
        }
        out += wire::dataRow(values);
    }
    return out;
}

QByteArray WriteThrough::errorFor(const WriteRefusal &refusal) const
{
    wire::ErrorFields fields;
    fields.severity = "ERROR";
    const PostgresErrorCode mapped = postgresErrorFor(refusal.error);
    fields.sqlState = refusal.sqlState.isEmpty() ? QByteArray(mapped.sqlState) : refusal.sqlState;
    fields.message = refusal.message;
    fields.detail = refusal.detail;
    fields.hint = refusal.hint.isEmpty() && refusal.sqlState.isEmpty() ? mapped.hint : refusal.hint;
    fields.schema = refusal.schema;
    fields.table = refusal.table;
    fields.column = refusal.column;
    return wire::errorResponse(fields);
}

void WriteThrough::finishRefused(const WriteRefusal &refusal)
{
    qCInfo(lcProxy).noquote() << m_session->clientAddress() << "write refused:" << refusal.message << refusal.detail;
    // Nothing of it stays: roll back, tell the client, and log the refusal
    // (after the rollback, so that the log entry itself is kept).
    const QByteArray error = errorFor(refusal);
    const QByteArray log = "INSERT INTO tether.write_log (client_addr, object_name, op, record_ids, outcome, error) VALUES (" +
                           sqlLiteral(m_session->clientHost()) + ", " + sqlLiteral(refusal.table.isEmpty() ? QStringLiteral("?") : refusal.table) +
                           ", 'COMMIT', '{}', 'refused', " + sqlLiteral(refusal.message + u' ' + refusal.detail) + ")";
    const bool wrapping = m_mode == Mode::Wrapping;
    ownQuery("ROLLBACK", [this, error, log, wrapping](const QString &, const QByteArray &, const Rows &) {
        if (!m_session)
            return;
        ownQuery(log, [](const QString &, const QByteArray &, const Rows &) {});
        m_held.clear();
        m_mode = Mode::Relaying;
        if (!wrapping)
            m_session->replaceHeldMessage(QByteArray()); // the client's COMMIT is answered here instead
        m_session->sendToClient(error + wire::readyForQuery('I'));
    });
}

} // namespace tether::proxy
