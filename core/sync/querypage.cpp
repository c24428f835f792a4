#include "sync/querypage.h"

#include <QCoreApplication>

namespace tether::sync {

void appendCsvField(QByteArray &out, const QByteArray &value)
{
    out += '"';
    if (value.contains('"')) {
        QByteArray escaped = value;
        escaped.replace("\"", "\"\"");
        out += escaped;
    } else {
        out += value;
    }
    out += '"';
}

QueryPage pageFromQueryResult(const RawJson &json, const RawJson::Value &result,
                              const schema::TableSchema &table, const QStringList &columns)
{
    QueryPage page;
    if (result.type != RawJson::Type::Object || !result.member("records")) {
        page.error = QCoreApplication::translate("QueryPage", "Salesforce returned something that "
                                                              "is not a query result.");
        return page;
    }
    if (const auto *total = result.member("totalSize"))
        page.totalSize = json.rawText(*total).toLongLong();
    if (const auto *done = result.member("done"))
        page.done = done->boolean;
    if (const auto *next = result.member("nextRecordsUrl"); next && !next->isNull())
        page.nextRecordsUrl = json.string(*next);

    // Which Salesforce field feeds each CSV column.
    QList<QByteArray> fields;
    for (const schema::ColumnSpec &c : table.columns) {
        if (columns.isEmpty() || columns.contains(c.name)) {
            page.columns << c.name;
            fields << c.fieldName.toUtf8();
        }
    }
    const QByteArray watermark = table.watermarkField.toUtf8();

    const RawJson::Value &records = *result.member("records");
    page.csv.reserve(qsizetype(records.elements.size()) * 256);
    // Record members come in SELECT order; remember where each field was last
    // seen so the lookup is usually a single comparison.
    std::vector<size_t> hint(size_t(fields.size()), 0);
    for (const RawJson::Value &record : records.elements) {
        auto find = [&](int column) -> const RawJson::Value * {
            const auto &members = record.members;
            size_t &h = hint[size_t(column)];
            if (h < members.size() && members[h].key.compare(fields[column], Qt::CaseInsensitive) == 0)
                return &members[h].value;
            for (size_t i = 0; i < members.size(); ++i) {
                if (members[i].key.compare(fields[column], Qt::CaseInsensitive) == 0) {
                    h = i;
                    return &members[i].value;
                }
            }
            return nullptr;
        };
        const RawJson::Value *idValue = record.member("Id");
        const QString id = idValue ? json.string(*idValue) : QString();
        const RawJson::Value *isDeleted = record.member("IsDeleted");
        if (!watermark.isEmpty()) {
            if (const RawJson::Value *w = record.member(watermark.constData()); w && !w->isNull()) {
                const QString text = json.string(*w);
                if (text > page.maxWatermark)
                    page.maxWatermark = text;
            }
        }
        page.lastId = id;
        if (isDeleted && isDeleted->type == RawJson::Type::Bool && isDeleted->boolean) {
            page.deletedIds << id;
            continue;
        }
        for (int column = 0; column < fields.size(); ++column) {
            if (column > 0)
                page.csv += ',';
            const RawJson::Value *value = find(column);
            if (!value || value->isNull())
                continue; // unquoted empty = NULL
            switch (value->type) {
            case RawJson::Type::Bool:
                page.csv += value->boolean ? "true" : "false";
                break;
            case RawJson::Type::Number:
                page.csv += json.rawText(*value);
                break;
            case RawJson::Type::String:
                appendCsvField(page.csv, json.text(*value));
                break;
            default: // compound fields (address, location) become jsonb
                appendCsvField(page.csv, json.rawText(*value));
                break;
            }
        }
        page.csv += '\n';
        ++page.rowCount;
    }
    return page;
}

QueryPage pageFromQueryJson(const QByteArray &body, const schema::TableSchema &table,
                            const QStringList &columns)
{
    const RawJson json(body);
    if (!json.ok()) {
        QueryPage page;
        page.error = json.errorString();
        return page;
    }
    return pageFromQueryResult(json, json.root(), table, columns);
}

QueryPage pageFromBulkCsv(QByteArray csv, const schema::TableSchema &table, const QStringList &fieldNames)
{
    QueryPage page;
    const qsizetype headerEnd = csv.indexOf('\n');
    if (headerEnd < 0) {
        if (!csv.trimmed().isEmpty())
            page.error = QCoreApplication::translate("QueryPage", "Bulk API result has no header line.");
        return page;
    }
    QList<QByteArray> header = csv.left(headerEnd).trimmed().split(',');
    for (QByteArray &name : header) {
        if (name.startsWith('"') && name.endsWith('"'))
            name = name.mid(1, name.size() - 2);
    }
    if (header.size() != fieldNames.size()) {
        page.error = QCoreApplication::translate("QueryPage", "Bulk API result has %1 columns, expected %2.")
                         .arg(header.size())
                         .arg(fieldNames.size());
        return page;
    }
    for (qsizetype i = 0; i < header.size(); ++i) {
        if (QString::fromUtf8(header[i]).compare(fieldNames[i], Qt::CaseInsensitive) != 0) {
            page.error = QCoreApplication::translate("QueryPage", "Bulk API result column %1 is %2, expected %3.")
                             .arg(i + 1)
                             .arg(QString::fromUtf8(header[i]), fieldNames[i]);
            return page;
        }
        const schema::ColumnSpec *column = table.column(fieldNames[i].toLower());
        page.columns << (column ? column->name : fieldNames[i].toLower());
    }
    csv.remove(0, headerEnd + 1);
    page.rowCount = csv.count('\n'); // an estimate when values contain newlines; COPY reports the truth
    page.csv = std::move(csv);
    return page;
}

} // namespace tether::sync
