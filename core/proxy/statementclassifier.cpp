#include "proxy/statementclassifier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <pg_query.h>

namespace tether::proxy {

namespace {

bool isWordStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (static_cast<unsigned char>(c) >= 0x80);
}

bool isWordChar(char c)
{
    return isWordStart(c) || (c >= '0' && c <= '9') || c == '$';
}

// Words that can begin a write or end a transaction. A false alarm (a column
// named "end", CASE ... END, SELECT ... FOR UPDATE) only costs a parse.
bool isInterestingWord(QByteArrayView word)
{
    static const char *const words[] = {"insert", "update", "delete", "merge", "commit", "end", "prepare", "execute",
                                        "begin", "start", "rollback", "abort", "discard", "deallocate"};
    for (const char *candidate : words) {
        if (word.compare(QByteArrayView(candidate), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Any INSERT/UPDATE/DELETE/MERGE node anywhere in a parse tree (CTEs, rules
// of PREPARE, EXPLAIN ANALYZE, CREATE TABLE AS ... are all walked).
bool containsWrite(const QJsonValue &node)
{
    if (node.isObject()) {
        const QJsonObject object = node.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == QLatin1String("InsertStmt") || it.key() == QLatin1String("UpdateStmt")
                || it.key() == QLatin1String("DeleteStmt") || it.key() == QLatin1String("MergeStmt"))
                return true;
            if (containsWrite(it.value()))
                return true;
        }
    } else if (node.isArray()) {
        for (const QJsonValue &element : node.toArray()) {
            if (containsWrite(element))
                return true;
        }
    }
    return false;
}

ClassifiedStatement classifyNode(const QJsonObject &stmt)
{
    using Kind = ClassifiedStatement::Kind;
    ClassifiedStatement s;
    const QString type = stmt.isEmpty() ? QString() : stmt.begin().key();
    const QJsonObject body = stmt.isEmpty() ? QJsonObject() : stmt.begin().value().toObject();
    if (type == QLatin1String("TransactionStmt")) {
        const QString kind = body.value(QLatin1String("kind")).toString();
        if (kind == QLatin1String("TRANS_STMT_BEGIN") || kind == QLatin1String("TRANS_STMT_START"))
            s.kind = Kind::Begin;
        else if (kind == QLatin1String("TRANS_STMT_COMMIT"))
            s.kind = Kind::Commit;
        else if (kind == QLatin1String("TRANS_STMT_ROLLBACK"))
            s.kind = Kind::Rollback;
        else
            s.kind = Kind::Other; // savepoints, PREPARE TRANSACTION (refused at PREPARE by the capture)
        s.chain = body.value(QLatin1String("chain")).toBool();
        return s;
    }
    if (type == QLatin1String("PrepareStmt")) {
        s.kind = Kind::Prepare;
        s.name = body.value(QLatin1String("name")).toString().toUtf8();
        s.preparedWrite = containsWrite(body.value(QLatin1String("query")));
        return s;
    }
    if (type == QLatin1String("ExecuteStmt")) {
        s.kind = Kind::Execute;
        s.name = body.value(QLatin1String("name")).toString().toUtf8();
        return s;
    }
    if (type == QLatin1String("DiscardStmt") || type == QLatin1String("DeallocateStmt")) {
        s.kind = Kind::Other;
        s.dropsPrepared = type == QLatin1String("DeallocateStmt") ? !body.contains(QLatin1String("name"))
                                                                : body.value(QLatin1String("target")).toString() == QLatin1String("DISCARD_ALL");
        return s;
    }
    if (containsWrite(stmt)) {
        s.kind = Kind::Write;
        return s;
    }
    if (type == QLatin1String("SelectStmt") || type == QLatin1String("VariableShowStmt")
        || type == QLatin1String("FetchStmt") || type == QLatin1String("ExplainStmt"))
        s.kind = Kind::Read;
    else
        s.kind = Kind::Other;
    return s;
}

} // namespace

bool Classification::hasKind(ClassifiedStatement::Kind kind) const
{
    for (const ClassifiedStatement &s : statements) {
        if (s.kind == kind)
            return true;
    }
    return false;
}

bool Classification::isPassive() const
{
    using Kind = ClassifiedStatement::Kind;
    for (const ClassifiedStatement &s : statements) {
        if (s.kind == Kind::Write || s.kind == Kind::Commit || s.kind == Kind::Execute
            || (s.kind == Kind::Prepare && s.preparedWrite))
            return false;
    }
    return true;
}

bool StatementClassifier::certainlyPassive(QByteArrayView sql)
{
    const qsizetype n = sql.size();
    qsizetype i = 0;
    while (i < n) {
        if (!isWordStart(sql[i])) {
            ++i;
            continue;
        }
        const qsizetype start = i;
        while (i < n && isWordChar(sql[i]))
            ++i;
        if (isInterestingWord(sql.sliced(start, i - start)))
            return false;
    }
    return true;
}

Classification StatementClassifier::classify(QByteArrayView sql)
{
    Classification result;
    if (certainlyPassive(sql)) {
        ClassifiedStatement read;
        read.kind = ClassifiedStatement::Kind::Read;
        read.text = sql.toByteArray();
        result.statements << read;
        result.parsed = true;
        return result;
    }
    const QByteArray text = sql.toByteArray(); // NUL-terminated for the parser
    PgQueryParseResult parsed = pg_query_parse(text.constData());
    if (parsed.error) {
        pg_query_free_parse_result(parsed);
        return result; // the server will refuse it with its own error
    }
    const QJsonDocument tree = QJsonDocument::fromJson(QByteArray(parsed.parse_tree));
    pg_query_free_parse_result(parsed);
    for (const QJsonValue &entry : tree.object().value(QLatin1String("stmts")).toArray()) {
        const QJsonObject wrapper = entry.toObject();
        ClassifiedStatement s = classifyNode(wrapper.value(QLatin1String("stmt")).toObject());
        // Locations are byte offsets; a missing length means "to the end".
        const qsizetype location = wrapper.value(QLatin1String("stmt_location")).toInteger(0);
        const qsizetype length = wrapper.contains(QLatin1String("stmt_len"))
                                     ? wrapper.value(QLatin1String("stmt_len")).toInteger()
                                     : text.size() - location;
        s.text = text.mid(location, length).trimmed();
        result.statements << s;
    }
    result.parsed = true;
    return result;
}

} // namespace tether::proxy
