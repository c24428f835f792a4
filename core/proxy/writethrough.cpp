#include "proxy/writethrough.h"

#include "logging.h"
#include "proxy/commitrun.h"
#include "proxy/messagereader.h"
#include "proxy/proxydatabase.h"
#include "proxy/salesforcewriter.h"
#include "proxy/wire.h"

#include <QScopeGuard>
#include <QtEndian>

namespace tether::proxy {

using Kind = ClassifiedStatement::Kind;
using OwnResult = ProxySession::OwnResult;

namespace {

// Whole messages of a backend byte stream (DataRows included).
template<class Visit>
void forEachMessage(const QByteArray &bytes, Visit visit)
{
    MessageReader reader(Peer::Backend);
    reader.setStreamedTypes({});
    reader.append(bytes);
    MessagePiece piece;
    while (reader.next(&piece) == MessageReader::Status::Piece)
        visit(piece.type, piece.bytes, piece.body());
}

bool hasError(const QByteArray &responses)
{
    bool error = false;
    forEachMessage(responses, [&](char type, QByteArrayView, QByteArrayView) { error = error || type == 'E'; });
    return error;
}

// Splits a held answer into what precedes its last ReadyForQuery and that
// ReadyForQuery's status.
QByteArray withoutReadyForQuery(const QByteArray &responses, char *status)
{
    QByteArray out;
    forEachMessage(responses, [&](char type, QByteArrayView bytes, QByteArrayView body) {
        if (type == 'Z') {
            *status = body.isEmpty() ? 'I' : body.at(0);
            return;
        }
        out.append(bytes.data(), bytes.size());
    });
    return out;
}

// A refusal is raised by tether.refuse_unapplied() at COMMIT; the client
// gets it as PostgreSQL's own error, without the PL/pgSQL context and the
// source position inside Tether's function (fields W, F, L, R).
QByteArray plainError(QByteArrayView message)
{
    QByteArray body;
    for (const wire::ErrorField &field : wire::parseErrorFields(message.sliced(5))) {
        if (field.code == 'W' || field.code == 'F' || field.code == 'L' || field.code == 'R')
            continue;
        body += field.code + field.value + '\0';
    }
    body += '\0';
    QByteArray out(1, 'E');
    QByteArray length(4, '\0');
    qToBigEndian(qint32(body.size() + 4), length.data());
    return out + length + body;
}

// The same stream with its last ErrorResponse made plain.
QByteArray withPlainLastError(const QByteArray &responses)
{
    QList<QPair<char, QByteArray>> messages;
    forEachMessage(responses, [&](char type, QByteArrayView bytes, QByteArrayView) { messages.append({type, bytes.toByteArray()}); });
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        if (messages[i].first == 'E') {
            messages[i].second = plainError(messages[i].second);
            break;
        }
    }
    QByteArray out;
    for (const auto &m : messages)
        out += m.second;
    return out;
}

// Without its last CommandComplete: PostgreSQL commits an implicit
// transaction before it reports the last statement complete, so a failed
// commit leaves that statement without one.
QByteArray withoutLastCommandComplete(const QByteArray &responses)
{
    QList<QByteArray> messages;
    qsizetype last = -1;
    forEachMessage(responses, [&](char type, QByteArrayView bytes, QByteArrayView) {
        if (type == 'C')
            last = messages.size();
        messages.append(bytes.toByteArray());
    });
    QByteArray out;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        if (i != last)
            out += messages[i];
    }
    return out;
}

QByteArrayView cString(QByteArrayView body, qsizetype *pos)
{
    const qsizetype end = body.indexOf('\0', *pos);
    if (end < 0) {
        *pos = body.size();
        return {};
    }
    const QByteArrayView s = body.sliced(*pos, end - *pos);
    *pos = end + 1;
    return s;
}

} // namespace

WriteThroughContext::WriteThroughContext(SalesforceWriter *writer, ProxyDatabase *database, QObject *parent)
    : QObject(parent), m_writer(writer), m_database(database)
{
}

SalesforceWriter *WriteThroughContext::writer() const { return m_writer; }
ProxyDatabase *WriteThroughContext::database() const { return m_database; }

WriteThroughSession::WriteThroughSession(ProxySession *session, WriteThroughContext *context)
    : QObject(session), m_session(session), m_context(context)
{
    session->setClientMessageFilter([this](char type, QByteArrayView message) { return onClientMessage(type, message); });
    session->setHeldReadyForQueryHandler([this] { onHeldReadyForQuery(); });
    session->setDescriptionObserver([this](quint64 tag, QByteArrayView rows) {
        const QPair<char, QByteArray> target = m_describeTargets.take(tag);
        const QByteArray statement = target.first == 'S' ? target.second : m_portals.value(target.second).statementName;
        if (target.first == 'S' || !statement.isEmpty())
            m_statementRows.insert(statement, rows.toByteArray());
    });
}

char WriteThroughSession::statusNow()
{
    // When nothing is in flight the last ReadyForQuery is the truth;
    // otherwise what was sent since says where the transaction will be.
    const ProtocolTracker &tracker = m_session->tracker();
    if (!tracker.clientResponsesPending() && tracker.transactionStatus() != 0)
        m_sentStatus = tracker.transactionStatus();
    if (m_sentStatus == 'I')
        m_txMayHaveWritten = false;
    return m_sentStatus;
}

bool WriteThroughSession::writes(const ClassifiedStatement &statement) const
{
    if (statement.kind == Kind::Write)
        return true;
    // EXECUTE of a statement prepared before the proxy saw it: assume it writes.
    return statement.kind == Kind::Execute && m_sqlPrepared.value(statement.name, true);
}

bool WriteThroughSession::onClientMessage(char type, QByteArrayView message)
{
    if (!m_context)
        return true;
    if (m_busy == Busy::Refreshing)
        return false; // held until the mirror shows Salesforce's version (see afterCommit)
    const QByteArrayView body = message.sliced(5);
    switch (type) {
    case 'Q': {
        qsizetype pos = 0;
        return onQuery(cString(body, &pos));
    }
    case 'P': onParse(body); return true;
    case 'B': onBind(body); return true;
    case 'C': onClose(body); return true;
    case 'D': {
        // Remember what a described statement returns: a client that binds
        // it again later gets no RowDescription with its rows.
        if (body.size() >= 2) {
            if (m_describeTargets.size() > 1000)
                m_describeTargets.clear(); // Describes skipped after errors are never answered
            qsizetype pos = 1;
            m_describeTargets.insert(++m_describeCounter, {body.at(0), cString(body, &pos).toByteArray()});
            m_session->setNextRequestTag(m_describeCounter);
        }
        return true;
    }
    case 'E': return onExecute(body);
    case 'S': return onSync();
    default: return true;
    }
}

// ---- simple query ----------------------------------------------------------

bool WriteThroughSession::onQuery(QByteArrayView sql)
{
    const char status = statusNow();
    if (StatementClassifier::certainlyPassive(sql))
        return true; // a read: not a byte changes
    const Classification classification = StatementClassifier::classify(sql);
    if (!classification.parsed)
        return true; // the server says what is wrong with it
    bool writesHere = false;
    bool commits = false;
    for (const ClassifiedStatement &s : classification.statements) {
        if (s.kind == Kind::Prepare)
            m_sqlPrepared.insert(s.name, s.preparedWrite);
        if (s.dropsPrepared)
            m_session->forgetKeptStatements();
        writesHere = writesHere || writes(s);
        commits = commits || s.kind == Kind::Commit;
    }
    if (status == 'E')
        return true; // everything but ROLLBACK fails anyway
    const bool takeOver = (status == 'T' && commits) || (status == 'I' && writesHere);
    if (!takeOver) {
        for (const ClassifiedStatement &s : classification.statements) {
            if (m_sentStatus == 'T' && s.kind != Kind::Read)
                m_txMayHaveWritten = true;
            if (s.kind == Kind::Begin)
                m_sentStatus = 'T';
            else if (s.kind == Kind::Commit || s.kind == Kind::Rollback)
                m_sentStatus = 'I';
        }
        return true;
    }
    if (classification.statements.size() == 1 && commits) {
        if (!m_txMayHaveWritten) {
            m_sentStatus = 'I';
            return true; // only reads in it: nothing can have been captured
        }
        // COMMIT of an explicit transaction: the server's own answer goes to the client.
        m_busy = Busy::HeldCommit;
        QMetaObject::invokeMethod(this, &WriteThroughSession::commitHeldMessage, Qt::QueuedConnection);
        return false;
    }
    Script script;
    script.statements = classification.statements;
    script.status = status;
    m_script = script;
    m_busy = Busy::Script;
    QMetaObject::invokeMethod(this, &WriteThroughSession::runScript, Qt::QueuedConnection);
    return false;
}

void WriteThroughSession::runScript()
{
    // One statement at a time, each answered before the next goes, so the
    // proxy can open a transaction for writes made outside one and commit
    // through Salesforce where the client (or the end of the query) commits.
    Script &script = *m_script;
    // A BEGIN of the proxy's, the statement and the read of what it captured
    // go to the server together.
    m_session->cork();
    const auto uncork = qScopeGuard([this] { m_session->uncork(); });
    while (script.next < script.statements.size()) {
        const ClassifiedStatement &s = script.statements[script.next];
        if (s.kind == Kind::Commit && script.status == 'T') {
            const bool rewrite = script.implicitBlock;
            runCommit(rewrite, false, [this](const CommitResult &result) {
                Script &script = *m_script;
                if (result.kind == CommitResult::Kind::Failed) {
                    script.responses += result.errorResponse;
                    m_session->runOwnStatements({{"ROLLBACK", {}, {}}}, [this](const QList<OwnResult> &, char) { finishScript('I'); }, true);
                    return;
                }
                if (result.kind == CommitResult::Kind::Applied)
                    script.responses = rewriteReturning(script.responses, result);
                m_afterwards = result.afterwards;
                script.implicitBlock = false;
                m_session->sendClientRequests(wire::query(script.statements[script.next++].text), Origin::ClientHeld);
            });
            return;
        }
        if (m_sentStatus == 'T' && s.kind != Kind::Read)
            m_txMayHaveWritten = true;
        if (writes(s) && script.status == 'I' && !script.implicitBlock) {
            // PostgreSQL runs the statements of one query outside a
            // transaction as one implicit transaction: so does the proxy,
            // with a BEGIN of its own, committed through Salesforce at the end.
            script.implicitBlock = true;
            script.status = 'T';
            m_session->runOwnStatements({{"BEGIN", {}, {}}}, [](const QList<OwnResult> &results, char) {
                if (!results.first().ok())
                    qCWarning(lcProxy) << "BEGIN of the proxy's own failed";
            }, true);
        }
        m_session->sendClientRequests(wire::query(s.text), Origin::ClientHeld);
        ++script.next;
        if (script.implicitBlock && script.next == script.statements.size())
            m_prefetched = CommitRun::prepare(m_session, m_context, false); // the commit follows: read the capture right away
        return; // onScriptAnswer goes on
    }
    if (script.implicitBlock && script.status == 'T')
        return commitScript();
    finishScript(script.status);
}

void WriteThroughSession::onScriptAnswer()
{
    Script &script = *m_script;
    char status = script.status;
    const QByteArray answer = withoutReadyForQuery(m_session->takeHeldResponses(), &status);
    script.responses += answer;
    script.status = status;
    if (hasError(answer)) {
        // As in PostgreSQL, the rest of the query is not run. A capture read
        // sent behind the statement fails too and ends with a Sync of its own.
        m_prefetched.reset();
        if (script.implicitBlock) {
            m_session->runOwnStatements({{"ROLLBACK", {}, {}}}, [this](const QList<OwnResult> &, char) { finishScript('I'); }, true);
            return;
        }
        return finishScript(status);
    }
    if (script.implicitBlock && status == 'I')
        script.implicitBlock = false; // the client's own COMMIT/ROLLBACK ended it
    runScript();
}

void WriteThroughSession::commitScript()
{
    // The transaction is the proxy's: CommitRun ends it together with the
    // write-back (one round trip fewer).
    runCommit(true, true, [this](const CommitResult &result) {
        Script &script = *m_script;
        if (result.kind == CommitResult::Kind::Failed) {
            script.responses = withoutLastCommandComplete(script.responses) + result.errorResponse;
            if (result.statusAfterFailure == 'I')
                return finishScript('I');
            m_session->runOwnStatements({{"ROLLBACK", {}, {}}}, [this](const QList<OwnResult> &, char) { finishScript('I'); }, true);
            return;
        }
        if (result.kind == CommitResult::Kind::Applied)
            script.responses = rewriteReturning(script.responses, result);
        m_afterwards = result.afterwards;
        if (result.committed) {
            if (result.kind == CommitResult::Kind::Refused)
                script.responses = withoutLastCommandComplete(script.responses) + plainError(result.commitError);
            return finishScript('I');
        }
        m_session->runOwnStatements({{"COMMIT", {}, {}}}, [this](const QList<OwnResult> &results, char status) {
            // A refused write fails right here, with Salesforce's error.
            if (!results.first().ok())
                m_script->responses = withoutLastCommandComplete(m_script->responses) + plainError(results.first().errorMessage);
            finishScript(status ? status : 'I');
        }, true);
    });
}

void WriteThroughSession::finishScript(char status)
{
    m_session->setClientRequestOrigin(Origin::Client);
    m_session->sendToClient(m_script->responses + wire::readyForQuery(status));
    m_sentStatus = status;
    m_script.reset();
    m_session->replaceHeldMessage({}); // the client's query was answered statement by statement
    done();
}

// ---- extended query ----------------------------------------------------------

void WriteThroughSession::onParse(QByteArrayView body)
{
    qsizetype pos = 0;
    const QByteArray name = cString(body, &pos).toByteArray();
    const QByteArrayView sql = cString(body, &pos);
    PreparedStatement statement;
    if (!StatementClassifier::certainlyPassive(sql)) {
        const Classification c = StatementClassifier::classify(sql);
        if (c.parsed && !c.statements.isEmpty()) {
            if (c.statements.first().dropsPrepared)
                m_session->forgetKeptStatements();
            statement.kind = c.statements.first().kind;
            statement.writes = writes(c.statements.first());
        } else if (!c.parsed) {
            statement.kind = Kind::Other;
        }
    }
    m_statements.insert(name, statement);
    m_statementRows.remove(name);
}

void WriteThroughSession::onBind(QByteArrayView body)
{
    qsizetype pos = 0;
    const QByteArray portal = cString(body, &pos).toByteArray();
    const QByteArray name = cString(body, &pos).toByteArray();
    PreparedStatement statement = m_statements.value(name);
    statement.statementName = name;
    // Skip parameter formats and values; the result formats follow.
    wire::BodyReader reader(body.sliced(pos));
    const qint16 parameterFormats = reader.int16();
    for (qint16 i = 0; i < parameterFormats; ++i)
        reader.int16();
    const qint16 parameters = reader.int16();
    for (qint16 i = 0; i < parameters && reader.ok(); ++i) {
        const qint32 length = reader.int32();
        if (length > 0)
            reader.bytes(length);
    }
    const qint16 resultFormats = reader.int16();
    for (qint16 i = 0; i < resultFormats && reader.ok(); ++i)
        statement.resultFormats << reader.int16();
    m_portals.insert(portal, statement);
    if (statement.writes && statusNow() == 'I' && !m_batchWroteImplicitly) {
        // Autocommit: this batch's implicit transaction commits at its Sync,
        // which the proxy will hold; its answers are held from here on so
        // RETURNING rows can show what Salesforce set.
        m_batchWroteImplicitly = true;
        m_session->setClientRequestOrigin(Origin::ClientHeld);
    }
}

void WriteThroughSession::onClose(QByteArrayView body)
{
    if (body.isEmpty())
        return;
    qsizetype pos = 1;
    const QByteArray name = cString(body, &pos).toByteArray();
    if (body.at(0) == 'S') {
        m_statements.remove(name);
        m_statementRows.remove(name);
    }
    else
        m_portals.remove(name);
}

bool WriteThroughSession::onExecute(QByteArrayView body)
{
    qsizetype pos = 0;
    const PreparedStatement portal = m_portals.value(cString(body, &pos).toByteArray());
    if (m_session->clientRequestOrigin() == Origin::ClientHeld)
        m_heldExecutes << HeldExecute{portal.statementName, portal.resultFormats};
    const char status = statusNow();
    if (portal.kind == Kind::Commit && status == 'T' && m_txMayHaveWritten) {
        m_busy = Busy::HeldCommit;
        QMetaObject::invokeMethod(this, &WriteThroughSession::commitHeldMessage, Qt::QueuedConnection);
        return false;
    }
    if (status == 'T' && portal.kind != Kind::Read)
        m_txMayHaveWritten = true;
    if (portal.kind == Kind::Begin)
        m_sentStatus = 'T';
    else if (portal.kind == Kind::Commit || portal.kind == Kind::Rollback)
        m_sentStatus = 'I';
    return true;
}

bool WriteThroughSession::onSync()
{
    if (!m_batchWroteImplicitly)
        return true;
    m_busy = Busy::SyncCommit;
    QMetaObject::invokeMethod(this, &WriteThroughSession::commitAtSync, Qt::QueuedConnection);
    return false;
}

// ---- commits -----------------------------------------------------------------

void WriteThroughSession::commitHeldMessage()
{
    m_session->setFinishingCommit(true);
    m_session->whenClientRequestsAnswered([this] {
        if (m_session->tracker().skippingToSync()) {
            // An earlier message of this batch failed: the server skips the COMMIT.
            m_session->releaseHeldMessage();
            return done();
        }
        runCommit(false, false, [this](const CommitResult &result) {
            if (result.kind == CommitResult::Kind::Refused) {
                // The server fails the COMMIT with Salesforce's error; its
                // answer is held to make the error plain (onHeldReadyForQuery).
                m_afterwards = result.afterwards;
                m_sentStatus = 'I';
                m_session->setClientRequestOrigin(Origin::ClientHeld);
                m_session->releaseHeldMessage();
                return;
            }
            if (result.kind != CommitResult::Kind::Failed) {
                m_sentStatus = 'I';
                m_session->releaseHeldMessage(); // the server commits
                return done();
            }
            const bool simpleQuery = m_session->heldMessage().startsWith('Q');
            const QByteArray error = result.errorResponse;
            m_session->runOwnStatements({{"ROLLBACK", {}, {}}}, [this, simpleQuery, error](const QList<OwnResult> &, char) {
                m_session->sendToClient(simpleQuery ? error + wire::readyForQuery('I') : error);
                m_sentStatus = 'I';
                m_session->replaceHeldMessage({});
                done();
            }, true);
        });
    });
}

void WriteThroughSession::commitAtSync()
{
    m_session->setFinishingCommit(true);
    m_session->whenClientRequestsAnswered([this] {
        m_lastCommit.reset();
        if (m_session->tracker().skippingToSync()) {
            m_session->releaseHeldMessage(); // the implicit transaction failed already
            return;
        }
        runCommit(true, false, [this](const CommitResult &result) {
            if (m_session->serverGone()) {
                // No server to run the Sync: the client gets the batch's
                // answers and the commit's outcome from here.
                char status = 'I';
                // (Every own statement failed, so the result is Failed with an error.)
                const QByteArray responses = withoutReadyForQuery(m_session->takeHeldResponses(), &status);
                m_session->setClientRequestOrigin(Origin::Client);
                m_batchWroteImplicitly = false;
                m_session->sendToClient(responses + result.errorResponse + wire::readyForQuery('I'));
                m_session->replaceHeldMessage({});
                return done();
            }
            m_lastCommit = std::make_shared<CommitResult>(result);
            m_afterwards = result.afterwards;
            // Lets the implicit transaction commit (or fail with Salesforce's
            // error); its ReadyForQuery comes to onHeldReadyForQuery.
            m_session->releaseHeldMessage();
        }, true);
    });
}

void WriteThroughSession::onHeldReadyForQuery()
{
    if (m_busy == Busy::Script)
        return onScriptAnswer();
    if (m_busy == Busy::HeldCommit) {
        m_session->setClientRequestOrigin(Origin::Client);
        m_session->sendToClient(withPlainLastError(m_session->takeHeldResponses()));
        return done();
    }
    if (m_busy != Busy::SyncCommit)
        return;
    QByteArray responses = m_session->takeHeldResponses();
    if (m_lastCommit && m_lastCommit->kind == CommitResult::Kind::Applied)
        responses = rewriteReturning(responses, *m_lastCommit, m_heldExecutes);
    m_heldExecutes.clear();
    if (m_lastCommit && m_lastCommit->kind == CommitResult::Kind::Refused)
        responses = withPlainLastError(responses);
    if (m_lastCommit && m_lastCommit->kind == CommitResult::Kind::Failed) {
        char status = 'I';
        responses = withoutReadyForQuery(responses, &status) + m_lastCommit->errorResponse + wire::readyForQuery(status);
    }
    m_lastCommit.reset();
    m_session->setClientRequestOrigin(Origin::Client);
    m_batchWroteImplicitly = false;
    m_session->sendToClient(responses);
    done();
}

void WriteThroughSession::runCommit(bool rewriteReturning, bool commitToo, std::function<void(const CommitResult &)> then,
                                    bool implicitTransaction)
{
    if (!m_context) {
        then({});
        return;
    }
    // From here the commit is finished whichever side hangs up (done() ends this).
    m_session->setFinishingCommit(true);
    CommitRequest request;
    request.clientAddress = m_session->clientAddress();
    request.commitToo = commitToo;
    if (rewriteReturning)
        request.returningColumns = m_script ? returningColumns(m_script->responses, {})
                                            : returningColumns(m_session->heldResponses(), m_heldExecutes);
    QPointer<WriteThroughSession> self(this);
    auto run = std::exchange(m_prefetched, {});
    if (!run)
        run = CommitRun::prepare(m_session, m_context, implicitTransaction);
    run->run(request, [self, then](const CommitResult &result) {
        if (self)
            then(result);
    });
}

void WriteThroughSession::done()
{
    m_busy = Busy::None;
    m_heldExecutes.clear();
    if (m_afterwards) {
        // A lost update: the mirror row is refreshed before the client can
        // read it again (its next message waits).
        m_busy = Busy::Refreshing;
        auto afterwards = std::exchange(m_afterwards, {});
        QPointer<WriteThroughSession> self(this);
        afterwards([self] {
            if (!self)
                return;
            self->m_busy = Busy::None;
            self->m_session->setFinishingCommit(false);
            if (self->m_session->hasHeldMessage()) {
                const QByteArray held = self->m_session->heldMessage();
                if (self->onClientMessage(held.at(0), held))
                    self->m_session->releaseHeldMessage();
            }
        });
        return;
    }
    m_session->setFinishingCommit(false);
}

// ---- RETURNING rows ------------------------------------------------------------

void WriteThroughSession::walkRows(const QByteArray &responses, const QList<HeldExecute> &executes,
                                   const RowVisitor &visit) const
{
    // The columns of each DataRow: the RowDescription before it — a simple
    // query's, or a portal Describe's — else the statement's described
    // earlier with the Bind's formats. A statement Describe (after its
    // ParameterDescription) carries no formats, so it is not used as is.
    QList<wire::FieldDescription> fields;
    qsizetype execute = 0;
    bool statementDescribe = false;
    forEachMessage(responses, [&](char type, QByteArrayView bytes, QByteArrayView body) {
        switch (type) {
        case 't':
            statementDescribe = true;
            break;
        case 'T':
            if (!statementDescribe)
                fields = wire::parseRowDescription(body);
            statementDescribe = false;
            break;
        case 'n':
            statementDescribe = false;
            break;
        case 'D':
            if (fields.isEmpty() && execute < executes.size() && !m_statementRows.value(executes[execute].statementName).isEmpty()) {
                fields = wire::parseRowDescription(m_statementRows.value(executes[execute].statementName));
                const QList<qint16> &formats = executes[execute].resultFormats;
                for (qsizetype i = 0; i < fields.size(); ++i)
                    fields[i].format = formats.isEmpty() ? 0 : formats.size() == 1 ? formats.first() : formats.value(i);
            }
            visit(type, bytes, body, fields.isEmpty() ? nullptr : &fields);
            return;
        case 'C':
        case 'I':
        case 's':
            fields.clear();
            ++execute;
            break;
        default:
            break;
        }
        visit(type, bytes, body, nullptr);
    });
}

QHash<quint32, QList<QPair<qint16, qint16>>> WriteThroughSession::returningColumns(const QByteArray &responses,
                                                                                  const QList<HeldExecute> &executes) const
{
    QHash<quint32, QList<QPair<qint16, qint16>>> wanted;
    walkRows(responses, executes, [&](char type, QByteArrayView, QByteArrayView, const QList<wire::FieldDescription> *fields) {
        if (type != 'D' || !fields)
            return;
        for (const wire::FieldDescription &f : *fields) {
            if (f.tableOid == 0 || f.columnNumber <= 0)
                continue;
            const auto column = qMakePair(f.columnNumber, f.format);
            if (!wanted.value(f.tableOid).contains(column))
                wanted[f.tableOid] << column;
        }
    });
    return wanted;
}

QByteArray WriteThroughSession::rewriteReturning(const QByteArray &responses, const CommitResult &result,
                                                 const QList<HeldExecute> &executes) const
{
    if (result.returned.isEmpty())
        return responses;
    // Rows are matched to records by the table's id column when the row
    // shows it (a provisional id for new records), else when the table had
    // one record written. Expressions (RETURNING name || '!') keep the value
    // PostgreSQL computed before COMMIT.
    QByteArray out;
    walkRows(responses, executes, [&](char type, QByteArrayView bytes, QByteArrayView body,
                                      const QList<wire::FieldDescription> *fields) {
        if (type != 'D' || !fields) {
            out.append(bytes.data(), bytes.size());
            return;
        }
        bool ok = false;
        QList<std::optional<QByteArray>> values = wire::parseDataRow(body, &ok);
        bool changed = false;
        if (ok && values.size() == fields->size()) {
            QSet<quint32> tables;
            for (const wire::FieldDescription &f : *fields)
                tables.insert(f.tableOid);
            for (const quint32 oid : std::as_const(tables)) {
                const auto byKey = result.returned.value(oid);
                if (byKey.isEmpty())
                    continue;
                const QHash<QPair<qint16, qint16>, std::optional<QByteArray>> *refreshed = nullptr;
                const qint16 idColumn = result.idColumn.value(oid, 0);
                for (qsizetype i = 0; i < fields->size() && !refreshed; ++i) {
                    if ((*fields)[i].tableOid == oid && (*fields)[i].columnNumber == idColumn && values[i]) {
                        const auto it = byKey.constFind(QString::fromUtf8(*values[i]));
                        if (it != byKey.constEnd())
                            refreshed = &it.value();
                    }
                }
                if (!refreshed && byKey.size() == 1)
                    refreshed = &byKey.begin().value();
                if (!refreshed)
                    continue;
                for (qsizetype i = 0; i < fields->size(); ++i) {
                    const auto key = qMakePair((*fields)[i].columnNumber, (*fields)[i].format);
                    if ((*fields)[i].tableOid == oid && refreshed->contains(key)) {
                        values[i] = refreshed->value(key);
                        changed = true;
                    }
                }
            }
        }
        if (changed)
            out += wire::dataRow(values);
        else
            out.append(bytes.data(), bytes.size());
    });
    return out;
}

} // namespace tether::proxy
