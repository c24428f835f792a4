#include "sync/bulkcsvrows.h"

#include <QCoreApplication>
#include <cstring>

namespace tether::sync {

namespace {

QString tr(const char *text) { return QCoreApplication::translate("BulkCsvRows", text); }

// A CSV value in quotes, its quotes doubled.
void appendQuoted(std::string &out, std::string_view text)
{
    out += '"';
    size_t start = 0;
    for (;;) {
        const size_t quote = text.find('"', start);
        if (quote == std::string_view::npos) {
            out.append(text.data() + start, text.size() - start);
            break;
        }
        out.append(text.data() + start, quote + 1 - start);
        out += '"';
        start = quote + 1;
    }
    out += '"';
}

} // namespace

BulkCsvRows::BulkCsvRows(const schema::TableSchema &table, const QStringList &pageColumns)
    : m_fieldCount(int(pageColumns.size()))
{
    for (int i = 0; i < pageColumns.size(); ++i) {
        const schema::ColumnSpec *column = table.column(pageColumns[i]);
        if (!column) {
            m_passThrough = false; // a field removed while the job ran: left out
            continue;
        }
        Column c;
        c.field = i;
        if (column->conversion == schema::Conversion::SplitSemicolon) {
            c.how = Output::Array;
            m_passThrough = false;
        }
        m_columns << c;
        m_targetColumns << column->name;
    }
}

bool BulkCsvRows::feed(const char *data, qsizetype size)
{
    m_out.clear();
    if (!m_problem.isEmpty())
        return false;
    m_buffer.append(data, size);
    qsizetype pos = 0;
    while (pos < m_buffer.size()) {
        const qsizetype start = pos;
        if (!parseRow(pos, false)) {
            if (!m_problem.isEmpty())
                return false;
            pos = start; // unfinished: waits for more bytes
            break;
        }
        if (!writeRow())
            return false;
    }
    m_buffer.remove(0, pos);
    return true;
}

bool BulkCsvRows::finish()
{
    m_out.clear();
    if (!m_problem.isEmpty())
        return false;
    qsizetype pos = 0;
    while (pos < m_buffer.size()) {
        if (!parseRow(pos, true)) {
            if (m_problem.isEmpty())
                m_problem = tr("The Bulk API page ends inside a quoted value.");
            return false;
        }
        if (!writeRow())
            return false;
    }
    m_buffer.clear();
    return true;
}

bool BulkCsvRows::parseRow(qsizetype &pos, bool atEnd)
{
    m_fields.clear();
    const char *d = m_buffer.constData();
    const qsizetype n = m_buffer.size();
    qsizetype p = pos;
    for (;;) {
        Field field;
        field.begin = p;
        if (p < n && d[p] == '"') {
            field.quoted = true;
            ++p;
            for (;;) {
                const void *quote = std::memchr(d + p, '"', size_t(n - p));
                if (!quote)
                    return false; // the closing quote has not arrived
                p = static_cast<const char *>(quote) - d + 1;
                if (p == n && !atEnd)
                    return false; // a doubled quote may follow in the next bytes
                if (p < n && d[p] == '"') {
                    ++p; // "" inside a quoted value
                    continue;
                }
                break;
            }
        } else {
            while (p < n && d[p] != ',' && d[p] != '\n' && d[p] != '\r')
                ++p;
        }
        field.end = p;
        m_fields.push_back(field);
        if (p == n) {
            if (!atEnd)
                return false;
            pos = n;
            return true;
        }
        const char c = d[p];
        if (c == ',') {
            ++p;
            continue;
        }
        if (c == '\n') {
            pos = p + 1;
            return true;
        }
        if (c == '\r') {
            if (p + 1 == n) {
                if (!atEnd)
                    return false;
                pos = n;
                return true;
            }
            if (d[p + 1] == '\n') {
                pos = p + 2;
                return true;
            }
        }
        m_problem = tr("Row %1 of the Bulk API page is not valid CSV (unexpected character after a value).").arg(m_rows + 1);
        return false;
    }
}

std::string_view BulkCsvRows::value(int field, std::string &scratch) const
{
    const Field &f = m_fields[size_t(field)];
    const std::string_view raw(m_buffer.constData() + f.begin, size_t(f.end - f.begin));
    if (!f.quoted)
        return raw;
    const std::string_view inner = raw.substr(1, raw.size() - 2);
    if (inner.find('"') == std::string_view::npos)
        return inner;
    scratch.clear();
    for (size_t i = 0; i < inner.size(); ++i) {
        scratch += inner[i];
        if (inner[i] == '"')
            ++i; // "" stands for one quote
    }
    return scratch;
}

bool BulkCsvRows::writeRow()
{
    ++m_rows;
    if (qsizetype(m_fields.size()) != m_fieldCount) {
        m_problem = tr("Row %1 of the Bulk API page has %2 values, expected %3.").arg(m_rows).arg(m_fields.size()).arg(m_fieldCount);
        return false;
    }
    bool first = true;
    for (const Column &column : std::as_const(m_columns)) {
        if (!first)
            m_out += ',';
        first = false;
        const Field &f = m_fields[size_t(column.field)];
        if (column.how == Output::Raw) {
            m_out.append(m_buffer.constData() + f.begin, size_t(f.end - f.begin));
            continue;
        }
        // Multi-select picklist: "a;b" -> {"a","b"}, as string_to_array(x, ';').
        const std::string_view text = value(column.field, m_scratch);
        if (text.empty())
            continue; // NULL
        m_literal = "{\"";
        for (const char c : text) {
            if (c == ';') {
                m_literal += "\",\"";
                continue;
            }
            if (c == '"' || c == '\\')
                m_literal += '\\';
            m_literal += c;
        }
        m_literal += "\"}";
        appendQuoted(m_out, m_literal);
    }
    m_out += '\n';
    return true;
}

} // namespace tether::sync
