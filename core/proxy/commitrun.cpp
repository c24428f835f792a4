#include "proxy/commitrun.h"

#include "logging.h"
#include "proxy/capturetriggers.h"
#include "proxy/proxydatabase.h"
#include "proxy/salesforcewriter.h"
#include "proxy/wire.h"
#include "proxy/writethrough.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace tether::proxy {

using OwnStatement = ProxySession::OwnStatement;
using OwnResult = ProxySession::OwnResult;
using salesforce::SalesforceError;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CommitRun", text);
}

QByteArray text(const std::optional<QByteArray> &value)
{
    return value ? *value : QByteArray();
}

QByteArray jsonText(const QString &text)
{
    return QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
}

// An oid[] / varchar[] literal for a parameter.
QByteArray arrayLiteral(const QStringList &items)
{
    QStringList quoted;
    for (QString item : items) {
        item.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        quoted << u'"' + item + u'"';
    }
    return (u'{' + quoted.join(u',') + u'}').toUtf8();
}

// The message of an ErrorResponse the server sent, for sentences.
QString serverMessage(const QByteArray &errorResponse)
{
    return errorResponse.size() > 5 ? wire::errorFromBody(QByteArrayView(errorResponse).sliced(5)).message : QString();
}

QString hintFor(const QString &errorCode, const QStringList &fields)
{
    if (errorCode == QLatin1String("REQUIRED_FIELD_MISSING"))
        return tr("Give a value for %1 and try again.").arg(fields.join(QStringLiteral(", ")));
    if (errorCode == QLatin1String("DUPLICATE_VALUE"))
        return tr("Use a value no other record has, or update that record instead.");
    if (errorCode == QLatin1String("FIELD_CUSTOM_VALIDATION_EXCEPTION"))
        return tr("A validation rule in Salesforce refused the values; change them and try again.");
    if (errorCode == QLatin1String("STRING_TOO_LONG"))
        return tr("Shorten the value to the field's length in Salesforce.");
    if (errorCode == QLatin1String("INVALID_CROSS_REFERENCE_KEY"))
        return tr("Refer to a record that exists in Salesforce (and is of the right object).");
    return tr("Correct the values and try again; nothing was applied.");
}

} // namespace

void CommitRun::start(ProxySession *session, WriteThroughContext *context, bool implicitTransaction, CommitRequest request,
                      Done done)
{
    prepare(session, context, implicitTransaction)->run(std::move(request), std::move(done));
}

std::shared_ptr<CommitRun> CommitRun::prepare(ProxySession *session, WriteThroughContext *context, bool implicitTransaction)
{
    std::shared_ptr<CommitRun> run(new CommitRun(session, context));
    // In a transaction block a Sync only reports where things stand, and it
    // keeps an error in one batch from swallowing the next one; an implicit
    // transaction it would end.
    run->m_endWithSync = !implicitTransaction;
    if (context->captureInstalled)
        run->readCaptures();
    else
        run->probe();
    return run;
}

void CommitRun::run(CommitRequest request, Done done)
{
    m_request = std::move(request);
    m_done = std::move(done);
    m_running = true;
    proceed();
}

CommitRun::CommitRun(ProxySession *session, WriteThroughContext *context) : m_session(session), m_context(context) {}

void CommitRun::captured(Captures state, const QByteArray &failure, char status)
{
    m_captures = state;
    m_captureFailure = failure;
    m_captureFailureStatus = status;
    proceed();
}

void CommitRun::proceed()
{
    // Both the captured changes and the caller's go-ahead are needed.
    if (!m_running || m_captures == Captures::Pending)
        return;
    switch (m_captures) {
    case Captures::Failed: return fail(m_captureFailure, m_captureFailureStatus);
    case Captures::Empty: return finish({});
    case Captures::Ready: return loadTables();
    case Captures::Pending: return;
    }
}

void CommitRun::probe()
{
    // A database without Tether's capture (the proxy in front of anything
    // else) has nothing to send; asking for captured changes there would
    // abort the client's transaction.
    auto self = shared_from_this();
    m_session->runOwnStatements({{"SELECT to_regprocedure('tether.captured_changes()') IS NOT NULL", {}, {}}},
                                [self](const QList<OwnResult> &results, char status) {
                                    if (!self->m_session)
                                        return;
                                    const OwnResult &r = results.first();
                                    if (!r.ok())
                                        return self->captured(Captures::Failed, r.errorMessage, status);
                                    if (r.rows.isEmpty() || text(r.rows.first().value(0)) != "t")
                                        return self->captured(Captures::Empty);
                                    self->m_context->captureInstalled = true;
                                    self->readCaptures();
                                }, self->m_endWithSync);
}

void CommitRun::readCaptures()
{
    m_clock.start();
    auto self = shared_from_this();
    const QList<OwnStatement> statements{
        {"SELECT seq, table_oid, table_schema, table_name, object_name, describe_md5, op, record_id, "
         "old_row::text, current_row::text FROM tether.captured_changes()",
         {},
         {},
         true},
        // The client's own timeouts must not cut a commit short while
        // Salesforce answers or after it applied the writes: the backend
        // waits idle in the transaction during the call, and the write-back
        // of a large transaction can take longer than a tight
        // statement_timeout. Set for this transaction only.
        {"SELECT current_user, coalesce(current_setting('tether.non_atomic_writes', true), ''), "
         "set_config('idle_in_transaction_session_timeout', '0', true), set_config('statement_timeout', '0', true)",
         {},
         {},
         true},
    };
    m_session->runOwnStatements(statements, [self](const QList<OwnResult> &results, char status) {
        if (!self->m_session)
            return;
        for (const OwnResult &r : results) {
            if (!r.ok())
                return self->captured(Captures::Failed, r.errorMessage, status);
        }
        for (const auto &row : results[0].rows) {
            CapturedChange c;
            c.seq = text(row.value(0)).toLongLong();
            c.tableOid = text(row.value(1)).toUInt();
            c.schemaName = QString::fromUtf8(text(row.value(2)));
            c.tableName = QString::fromUtf8(text(row.value(3)));
            c.objectName = QString::fromUtf8(text(row.value(4)));
            c.describeMd5 = QString::fromUtf8(text(row.value(5)));
            const QByteArray op = text(row.value(6));
            c.op = op == "insert" ? CapturedChange::Op::Insert
                   : op == "update" ? CapturedChange::Op::Update
                                    : CapturedChange::Op::Delete;
            c.recordId = QString::fromUtf8(text(row.value(7)));
            c.oldRow = text(row.value(8));
            c.currentRow = text(row.value(9));
            self->m_changes << c;
        }
        if (!results[1].rows.isEmpty()) {
            self->m_databaseUser = QString::fromUtf8(text(results[1].rows.first().value(0)));
            const QByteArray setting = text(results[1].rows.first().value(1)).toLower();
            self->m_severalRequests = setting == "on" || setting == "true" || setting == "1";
        }
        qCDebug(lcProxy) << "commit timing: captures read" << self->m_clock.nsecsElapsed() / 1000 << "us";
        self->captured(self->m_changes.isEmpty() ? Captures::Empty : Captures::Ready);
    }, m_endWithSync);
}

void CommitRun::loadTables()
{
    // Describes the context does not know yet, and (for RETURNING rows) the
    // names of the columns the client's rows show.
    QList<OwnStatement> statements;
    QList<CapturedChange> missing;
    QSet<QString> asked;
    for (const CapturedChange &c : std::as_const(m_changes)) {
        if (c.objectName.isEmpty() || m_tables.contains(c.tableOid))
            continue;
        const QString key = QStringLiteral("%1.%2:%3").arg(c.schemaName, c.tableName, c.describeMd5);
        if (auto table = m_context->table(key)) {
            m_tables.insert(c.tableOid, table);
            continue;
        }
        if (asked.contains(key))
            continue;
        asked.insert(key);
        missing << c;
        statements << OwnStatement{"SELECT tether.table_describe($1)", {c.objectName.toUtf8()}, {}};
    }
    QStringList oids;
    for (auto it = m_request.returningColumns.begin(); it != m_request.returningColumns.end(); ++it)
        oids << QString::number(it.key());
    const bool wantNames = !oids.isEmpty();
    if (wantNames)
        statements << OwnStatement{"SELECT attrelid::oid, attnum, attname FROM pg_attribute "
                                   "WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND NOT attisdropped",
                                   {arrayLiteral(oids)},
                                   {}};
    if (statements.isEmpty())
        return plan();
    auto self = shared_from_this();
    m_session->runOwnStatements(statements, [self, missing, wantNames](const QList<OwnResult> &results, char status) {
        if (!self->m_session)
            return;
        for (const OwnResult &r : results) {
            if (!r.ok())
                return self->fail(r.errorMessage, status);
        }
        for (qsizetype i = 0; i < missing.size(); ++i) {
            const CapturedChange &c = missing[i];
            const QByteArray describe = results[i].rows.isEmpty() ? QByteArray() : text(results[i].rows.first().value(0));
            if (describe.isEmpty())
                continue; // the plan refuses it: not synced
            auto table = SyncedTable::fromDescribe(c.objectName, c.schemaName, c.tableName, describe);
            self->m_context->addTable(QStringLiteral("%1.%2:%3").arg(c.schemaName, c.tableName, c.describeMd5), table);
        }
        for (const CapturedChange &c : std::as_const(self->m_changes)) {
            const QString key = QStringLiteral("%1.%2:%3").arg(c.schemaName, c.tableName, c.describeMd5);
            if (auto table = self->m_context->table(key))
                self->m_tables.insert(c.tableOid, table);
        }
        if (wantNames) {
            for (const auto &row : results.last().rows)
                self->m_attributeNames[text(row.value(0)).toUInt()].insert(qint16(text(row.value(1)).toInt()), text(row.value(2)));
        }
        self->plan();
    }, m_endWithSync);
}

void CommitRun::plan()
{
    m_plan = buildWritePlan(m_changes, m_tables);
    if (m_plan.refusal)
        return refuse(*m_plan.refusal, QStringLiteral("not_sent"), {});
    if (m_plan.writes.isEmpty()) {
        // Changes that cancel out (a row inserted and deleted again): nothing to send.
        WriteOutcome nothing;
        nothing.kind = WriteOutcome::Kind::Applied;
        return writeBack(nothing);
    }
    if (m_plan.writes.size() > SalesforceWriter::atomicLimit() && !m_severalRequests) {
        Refusal r;
        r.sqlState = sqlstate::TooLarge;
        r.message = tr("This transaction changes %1 records; one all-or-none Salesforce request (a composite graph) "
                       "carries at most %2.")
                        .arg(m_plan.writes.size())
                        .arg(SalesforceWriter::atomicLimit());
        r.detail = tr("Nothing was sent to Salesforce.");
        r.hint = tr("Split the transaction, or run SET tether.non_atomic_writes = on to send it in several requests, "
                    "each all-or-none by itself (a failure can then leave the first ones applied).");
        r.schema = m_plan.writes.first().table->table().schemaName;
        r.table = m_plan.writes.first().table->table().tableName;
        return refuse(r, QStringLiteral("not_sent"), {});
    }
    if (!m_context->writer()) {
        Refusal r;
        r.sqlState = sqlstate::NotLoggedIn;
        r.message = tr("Tether is not logged in to Salesforce, so this write cannot be applied.");
        r.detail = tr("Nothing was sent to Salesforce.");
        r.hint = tr("Log in to the org in Tether, then try again.");
        r.schema = m_plan.writes.first().table->table().schemaName;
        r.table = m_plan.writes.first().table->table().tableName;
        return refuse(r, QStringLiteral("not_sent"), {});
    }
    apply();
}

void CommitRun::apply()
{
    qCDebug(lcProxy) << "commit timing: plan ready" << m_clock.nsecsElapsed() / 1000 << "us";
    auto self = shared_from_this();
    m_context->writer()->apply(m_plan.writes, m_severalRequests, [self](const WriteOutcome &outcome) {
        if (!self->m_session)
            return; // the session was torn down; PostgreSQL rolls back, the poll brings what Salesforce applied
        self->m_apiCalls += outcome.apiCalls;
        self->m_salesforceMs += outcome.salesforceMs;
        self->onOutcome(outcome);
    });
}

void CommitRun::onOutcome(const WriteOutcome &outcome)
{
    using Kind = WriteOutcome::Kind;
    if (outcome.kind == Kind::Applied)
        return writeBack(outcome);

    const RecordWrite *failed = nullptr;
    for (const RecordWrite &w : std::as_const(m_plan.writes)) {
        if (w.referenceId == outcome.failedReference)
            failed = &w;
    }
    if (!failed)
        failed = &m_plan.writes.first();
    const SyncedTable &table = *failed->table;
    const SalesforceError &e = outcome.error;
    Refusal r;
    r.schema = table.table().schemaName;
    r.table = table.table().tableName;
    QString partly;
    if (outcome.appliedWrites > 0)
        partly = tr(" The first %1 records of this transaction were applied in Salesforce by earlier requests; "
                    "they reach PostgreSQL with the next sync.")
                     .arg(outcome.appliedWrites);
    QString logOutcome = QStringLiteral("refused");
    if (outcome.kind == Kind::Refused) {
        r.sqlState = sqlStateForErrorCode(e.errorCode, e.httpStatus);
        r.message = e.message.isEmpty() ? tr("Salesforce refused the write.") : e.message;
        QStringList columns;
        for (const QString &f : e.fields) {
            const QString column = f.toLower();
            if (table.table().column(column))
                columns << column;
        }
        if (!columns.isEmpty())
            r.column = columns.first();
        r.detail = tr("Salesforce refused the %1 of record %2 in %3.%4 (errorCode %5%6). Nothing was applied in "
                      "Salesforce or PostgreSQL.%7")
                       .arg(failed->operationName(), failed->key, r.schema, r.table, e.errorCode,
                            e.fields.isEmpty() ? QString() : tr(", fields %1").arg(e.fields.join(QStringLiteral(", "))), partly);
        r.hint = hintFor(e.errorCode, e.fields);
        if (r.sqlState == sqlstate::LostUpdate) {
            r.message = tr("Record %1 changed in Salesforce after Tether last saw it (%2), so this %3 was not applied.")
                            .arg(failed->key, e.message, failed->operationName());
            r.hint = tr("The row now shows Salesforce's version of the record: read it again and retry.");
            // Read the record now, write it into the mirror once the
            // transaction has ended (its row lock is the client's until then).
            auto tablePtr = failed->table;
            const QString id = failed->key;
            auto records = std::make_shared<QHash<QString, QByteArray>>();
            auto ready = std::make_shared<bool>(false);
            auto waiting = std::make_shared<std::function<void()>>();
            SalesforceWriter *writer = m_context->writer();
            QPointer<ProxyDatabase> database = m_context->database();
            QPointer<ProxySession> session = m_session;
            auto self = shared_from_this();
            writer->readRecords(table, {id}, [self, records, ready, waiting](const SalesforceError &, const QHash<QString, QByteArray> &found, int calls) {
                self->m_apiCalls += calls;
                *records = found;
                *ready = true;
                if (*waiting)
                    (*waiting)();
            });
            m_pendingAfterwards = [tablePtr, id, records, ready, waiting, database, session](std::function<void()> done) {
                auto write = [tablePtr, id, records, database, session, done] {
                    if (!database || !session)
                        return done();
                    database->refresh(tablePtr, records->values(), records->contains(id) ? QStringList() : QStringList{id},
                                      session, done);
                };
                if (*ready)
                    write();
                else
                    *waiting = write;
            };
        }
    } else if (outcome.kind == Kind::Unknown) {
        logOutcome = QStringLiteral("unknown");
        r.sqlState = sqlstate::OutcomeUnknown;
        r.message = tr("Salesforce's answer to this transaction was lost (%1) and reading the records back could not "
                       "tell whether it was applied; PostgreSQL rolled it back.")
                        .arg(e.toString());
        r.detail = tr("If Salesforce did apply it, the records reach PostgreSQL with the next sync.%1").arg(partly);
        r.hint = tr("Do not simply retry: look for the records after the next sync first, so nothing is created twice.");
    } else { // NotApplied
        logOutcome = QStringLiteral("not_sent");
        using SK = SalesforceError::Kind;
        if (e.kind == SK::QuotaExceeded) {
            r.sqlState = sqlstate::QuotaExhausted;
            r.message = tr("Salesforce's daily API request limit is used up, so this write was not applied.");
            r.hint = tr("Try again when the org's 24-hour API usage has fallen, or ask for a higher limit.");
        } else if (e.kind == SK::SessionExpired || e.kind == SK::LoginRequired) {
            r.sqlState = sqlstate::NotLoggedIn;
            r.message = tr("Salesforce no longer accepts Tether's login (%1), so this write was not applied.").arg(e.toString());
            r.hint = tr("Log in to the org in Tether again, then retry.");
        } else if (e.kind == SK::Http) {
            r.sqlState = sqlStateForErrorCode(e.errorCode, e.httpStatus);
            r.message = tr("Salesforce did not take this write: %1").arg(e.toString());
            r.hint = tr("Nothing was applied; try again later.");
        } else {
            r.sqlState = sqlstate::SalesforceUnreachable;
            r.message = tr("Salesforce could not be reached (%1), so this write was not applied.").arg(e.toString());
            r.hint = tr("Nothing was applied; try again when the connection to Salesforce is back.");
        }
        r.detail = tr("Nothing was applied in Salesforce or PostgreSQL.%1").arg(partly);
    }
    if (!outcome.resolution.isEmpty())
        r.detail += u' ' + outcome.resolution + u'.';
    refuse(r, logOutcome, e.errorCode.isEmpty() ? e.message : e.errorCode + QStringLiteral(": ") + e.message);
}

void CommitRun::writeBack(const WriteOutcome &outcome)
{
    qCDebug(lcProxy) << "commit timing: Salesforce answered" << m_clock.nsecsElapsed() / 1000 << "us";
    // Per table: rows whose record Salesforce returned get every column from
    // it (a provisional id becomes the real one); a poll may already have
    // brought a new record in under its real id, so that copy goes first.
    QList<OwnStatement> statements;
    // The write-back is kept prepared; planning its long SET list for every
    // commit cost more than running it (a bind of 0.24 ms per single-row
    // UPDATE), and the generic plan finds rows by primary key all the same.
    // Both settings end with the transaction, which ends right after.
    statements << OwnStatement{"SELECT set_config('tether.writer', 'proxy', true), "
                               "set_config('plan_cache_mode', 'force_generic_plan', true)",
                               {}, {}, true};
    QList<quint32> order;
    QHash<quint32, QList<const RecordWrite *>> byTable;
    for (const RecordWrite &w : std::as_const(m_plan.writes)) {
        if (w.op == RecordWrite::Op::Delete)
            continue;
        if (!byTable.contains(w.tableOid))
            order << w.tableOid;
        byTable[w.tableOid] << &w;
    }
    struct Returning
    {
        qsizetype statement = 0;
        quint32 oid = 0;
        QList<QPair<qint16, qint16>> columns;
    };
    QList<Returning> returning;
    // In oid order, so two write-backs never wait on each other in a circle.
    std::sort(order.begin(), order.end());
    for (quint32 oid : std::as_const(order)) {
        const SyncedTable &table = *byTable.value(oid).first()->table;
        statements << OwnStatement{CaptureTriggers::mirrorWriteLockSql(table.table().qualifiedName(), false).toUtf8(), {}, {}, true};
    }
    for (quint32 oid : std::as_const(order)) {
        const SyncedTable &table = *byTable.value(oid).first()->table;
        QStringList newIds;
        QStringList keys;
        QByteArray rows = "[";
        QByteArray renames = "{";
        for (const RecordWrite *w : byTable.value(oid)) {
            const QString id = w->op == RecordWrite::Op::Create ? outcome.newIds.value(w->referenceId) : w->key;
            if (w->op == RecordWrite::Op::Create && !id.isEmpty())
                newIds << id;
            const QByteArray record = outcome.records.value(w->referenceId);
            if (!record.isEmpty()) {
                if (rows.size() > 1)
                    rows += ',';
                rows += "{\"key\":" + jsonText(w->key) + ",\"row\":" + record + '}';
                keys << w->key;
            } else if (w->op == RecordWrite::Op::Create && !id.isEmpty()) {
                // Not read back: at least the real Id; the poll brings the rest.
                if (renames.size() > 1)
                    renames += ',';
                renames += jsonText(w->key) + ':' + jsonText(id);
            }
        }
        rows += ']';
        renames += '}';
        const QString target = table.table().qualifiedName();
        if (!newIds.isEmpty())
            statements << OwnStatement{QStringLiteral("DELETE FROM %1 WHERE id = ANY($1::varchar[])").arg(target).toUtf8(),
                                       {arrayLiteral(newIds)}, {}};
        if (renames.size() > 2)
            statements << OwnStatement{QStringLiteral("UPDATE %1 AS t SET id = m.value FROM jsonb_each_text($1::jsonb) AS m "
                                                      "WHERE t.id = m.key").arg(target).toUtf8(),
                                       {renames}, {}};
        if (rows.size() > 2) {
            // RETURNING the columns the client's rows show, in the client's formats.
            Returning spec;
            spec.oid = oid;
            QStringList items;
            QList<qint16> formats{0};
            for (const auto &[column, format] : m_request.returningColumns.value(oid)) {
                const QByteArray name = m_attributeNames.value(oid).value(column);
                if (name.isEmpty())
                    continue;
                items << QStringLiteral("t.") + schema::quoteIdent(QString::fromUtf8(name));
                formats << format;
                spec.columns << qMakePair(column, format);
            }
            spec.statement = statements.size();
            if (!spec.columns.isEmpty())
                returning << spec;
            statements << OwnStatement{table.writeBackSql(items), {rows, arrayLiteral(keys)},
                                       spec.columns.isEmpty() ? QList<qint16>{} : formats, true};
        }
    }
    statements << OwnStatement{"SELECT tether.forget_captured()", {}, {}, true};
    const bool commitToo = m_request.commitToo;
    if (commitToo)
        statements << OwnStatement{"COMMIT", {}, {}};
    auto self = shared_from_this();
    const QHash<QString, QString> newIds = outcome.newIds;
    m_session->runOwnStatements(statements, [self, returning, newIds, commitToo](const QList<OwnResult> &results, char status) {
        if (!self->m_session)
            return;
        for (const OwnResult &r : results) {
            if (r.ok())
                continue;
            if (commitToo && &r == &results.last()) {
                // The write-back went in, COMMIT itself failed (a deferred
                // constraint of the client's own): Salesforce is ahead until the next poll.
                self->log(QStringLiteral("applied"), {}, {}, newIds);
                wire::ErrorFields error = wire::errorFromBody(QByteArrayView(r.errorMessage).sliced(5));
                error.severity = "ERROR";
                error.detail = tr("Salesforce applied this transaction, but PostgreSQL could not commit it; the records "
                                  "reach PostgreSQL with the next sync.");
                return self->fail(wire::errorResponse(error), status ? status : 'I');
            }
            // Salesforce has the writes, PostgreSQL could not take its answer.
            self->log(QStringLiteral("applied"), {}, {}, newIds);
            qCWarning(lcProxy).noquote() << "writing Salesforce's answer back failed:" << serverMessage(r.errorMessage);
            wire::ErrorFields error = wire::errorFromBody(QByteArrayView(r.errorMessage).sliced(5));
            error.severity = "ERROR";
            error.message = tr("Salesforce applied this transaction, but writing its answer into PostgreSQL failed: %1")
                                .arg(error.message);
            error.detail = tr("PostgreSQL rolled the transaction back; the records reach it with the next sync.");
            error.hint = tr("Do not retry: the change is in Salesforce.");
            return self->fail(wire::errorResponse(error), status);
        }
        CommitResult result;
        result.kind = CommitResult::Kind::Applied;
        result.committed = commitToo;
        for (const Returning &spec : returning) {
            auto &byKey = result.returned[spec.oid];
            for (const auto &row : results[spec.statement].rows) {
                if (row.size() != spec.columns.size() + 1)
                    continue;
                auto &values = byKey[QString::fromUtf8(text(row.first()))];
                for (qsizetype i = 0; i < spec.columns.size(); ++i)
                    values.insert(spec.columns[i], row[i + 1]);
            }
            const auto &names = self->m_attributeNames.value(spec.oid);
            for (auto it = names.begin(); it != names.end(); ++it) {
                if (it.value() == "id")
                    result.idColumn.insert(spec.oid, it.key());
            }
        }
        self->log(QStringLiteral("applied"), {}, {}, newIds);
        qCDebug(lcProxy) << "commit timing: written back" << self->m_clock.nsecsElapsed() / 1000 << "us";
        self->finish(result);
    }, commitToo || self->m_endWithSync);
}

void CommitRun::refuse(const Refusal &refusal, const QString &outcome, const QString &salesforceError)
{
    log(outcome, salesforceError, refusal.sqlState);
    auto self = shared_from_this();
    QList<OwnStatement> statements{{"SELECT set_config('tether.refusal', $1, true)", {refusal.toJson()}, {}}};
    const bool commitToo = m_request.commitToo;
    if (commitToo)
        statements << OwnStatement{"COMMIT", {}, {}}; // fails with the refusal, as intended
    m_session->runOwnStatements(statements, [self, commitToo](const QList<OwnResult> &results, char status) {
        if (!self->m_session)
            return;
        if (!results.first().ok())
            return self->fail(results.first().errorMessage, status);
        CommitResult result;
        result.kind = CommitResult::Kind::Refused;
        result.afterwards = self->m_pendingAfterwards;
        if (commitToo) {
            result.committed = true;
            result.commitError = results.last().errorMessage;
        }
        self->finish(result);
    }, commitToo || self->m_endWithSync);
}

void CommitRun::fail(const QByteArray &errorResponse, char status)
{
    CommitResult result;
    result.kind = CommitResult::Kind::Failed;
    result.errorResponse = errorResponse;
    result.statusAfterFailure = status ? status : 'E';
    finish(result);
}

void CommitRun::log(const QString &outcome, const QString &salesforceError, const QByteArray &sqlState,
                    const QHash<QString, QString> &newIds)
{
    ProxyDatabase *database = m_context->database();
    if (!database || m_plan.writes.isEmpty())
        return;
    // One entry per object and operation.
    QList<WriteLogEntry> entries;
    QHash<QString, qsizetype> index;
    for (const RecordWrite &w : std::as_const(m_plan.writes)) {
        const QString key = w.table->objectName() + u'/' + w.operationName();
        if (!index.contains(key)) {
            WriteLogEntry e;
            e.databaseUser = m_databaseUser;
            e.clientAddress = m_request.clientAddress;
            e.objectName = w.table->objectName();
            e.operation = w.operationName();
            e.outcome = outcome;
            e.salesforceError = salesforceError;
            e.sqlState = sqlState;
            e.apiCalls = m_apiCalls;
            e.salesforceMs = m_salesforceMs;
            index.insert(key, entries.size());
            entries << e;
        }
        WriteLogEntry &e = entries[index.value(key)];
        e.recordIds << (newIds.contains(w.referenceId) ? newIds.value(w.referenceId) : w.key);
        for (const QString &f : w.fields) {
            if (!e.changedFields.contains(f))
                e.changedFields << f;
        }
    }
    database->log(entries);
}

void CommitRun::finish(CommitResult result)
{
    // Only commits that reached Salesforce count (m_clock started when the
    // captured writes were read).
    const bool decided = result.kind == CommitResult::Kind::Applied || result.kind == CommitResult::Kind::Refused;
    if (decided && m_done && m_context && m_context->metrics && m_clock.isValid())
        m_context->metrics->record(result.kind == CommitResult::Kind::Applied, m_clock.nsecsElapsed() / 1000);
    if (m_done)
        std::exchange(m_done, {})(result);
}

} // namespace tether::proxy
