#include "proxy/statementclassifier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <pg_query.h>

namespace tether::proxy {

namespace {

// TRANS_STMT_COMMIT -> COMMIT, TRANS_STMT_ROLLBACK_TO -> ROLLBACK_TO, ...
QString transactionKind(const QJsonObject &statement)
{
    QString kind = statement.value(QLatin1String("kind")).toString();
    kind.remove(QStringLiteral("TRANS_STMT_"));
    return kind;
}

// Every relation an INSERT, UPDATE, DELETE or MERGE node anywhere in the tree changes.
void collectTargets(const QJsonValue &node, QStringList *targets)
{
    if (node.isArray()) {
        for (const QJsonValue &child : node.toArray())
            collectTargets(child, targets);
        return;
    }
    if (!node.isObject())
        return;
    const QJsonObject object = node.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        static const QStringList writes{QStringLiteral("InsertStmt"), QStringLiteral("UpdateStmt"), QStringLiteral("DeleteStmt"),
                                        QStringLiteral("MergeStmt")};
        if (writes.contains(it.key())) {
            const QJsonObject relation = it.value().toObject().value(QLatin1String("relation")).toObject();
            const QString schema = relation.value(QLatin1String("schemaname")).toString();
            const QString name = relation.value(QLatin1String("relname")).toString();
            *targets << (schema.isEmpty() ? name : schema + u'.' + name);
        }
        collectTargets(it.value(), targets);
    }
}

} // namespace

StatementClass classifyStatements(const QByteArray &sql)
{
    StatementClass result;
    PgQueryParseResult parsed = pg_query_parse(sql.constData());
    if (parsed.error || !parsed.parse_tree) {
        pg_query_free_parse_result(parsed);
        return result;
    }
    const QByteArray tree(parsed.parse_tree);
    pg_query_free_parse_result(parsed);
    result.parsed = true;
    const QJsonArray statements = QJsonDocument::fromJson(tree).object().value(QLatin1String("stmts")).toArray();
    collectTargets(statements, &result.writeTargets);
    result.statements = int(statements.size());
    for (const QJsonValue &entry : statements) {
        const QJsonObject statement = entry.toObject().value(QLatin1String("stmt")).toObject();
        if (statement.contains(QLatin1String("TransactionStmt")))
            result.transactionControl << transactionKind(statement.value(QLatin1String("TransactionStmt")).toObject());
    }
    // Data-changing nodes anywhere (writable CTEs, EXPLAIN ANALYZE of a write, ...).
    for (const char *node : {"\"InsertStmt\"", "\"UpdateStmt\"", "\"DeleteStmt\"", "\"MergeStmt\""})
        result.mayWrite = result.mayWrite || tree.contains(node);
    return result;
}

} // namespace tether::proxy
