// BulkCsvRows: turns the rows of a Bulk API 2.0 CSV page into rows the mirror
// table takes as they are, so a first backfill can COPY straight into the
// table instead of staging the page and upserting it (decision 0028).
//
// What the upsert does in SQL is done here while the page streams:
//   - a multi-select picklist "a;b" becomes the array literal {"a","b"};
//   - a column the table no longer has is left out.
// Every other value goes through byte for byte; COPY converts it to the
// column's type exactly as the upsert's CAST would. A table with neither
// needs no rewriting at all (passesThrough()).
//
// Rows may be split anywhere across the chunks fed in; a quoted value may hold
// commas, quotes and line breaks. Anything that is not what this class expects
// (a row with the wrong number of values, a quoted value that never ends)
// stops it with a sentence in problem(); the caller then writes
// the page the general way.
#pragma once

#include "schema/tableschema.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <string>
#include <string_view>
#include <vector>

namespace tether::sync {

class BulkCsvRows
{
public:
    // `pageColumns`: the CSV's columns, in order, as the mirror's column names.
    BulkCsvRows(const schema::TableSchema &table, const QStringList &pageColumns);

    // The mirror columns the rewritten rows fill, in order (for COPY's list).
    const QStringList &targetColumns() const { return m_targetColumns; }
    // True when every page column goes to the table unchanged and nothing is built.
    bool passesThrough() const { return m_passThrough; }

    // Rewrites the complete rows among the bytes seen so far; an unfinished
    // row waits for the next bytes. False: see problem().
    bool feed(const char *data, qsizetype size);
    // After the last bytes: the last row, if it had no line break.
    bool finish();
    // The rows rewritten by the last feed() or finish(), valid until the next.
    std::string_view output() const { return m_out; }
    const QString &problem() const { return m_problem; }
    qint64 rows() const { return m_rows; }

private:
    struct Field
    {
        qsizetype begin = 0; // raw bytes in m_buffer, quotes included
        qsizetype end = 0;
        bool quoted = false;
    };
    enum class Output { Raw, Array };
    struct Column
    {
        int field = -1;
        Output how = Output::Raw;
    };

    // Parses one row from m_buffer at `pos`; false when the row is not complete yet.
    bool parseRow(qsizetype &pos, bool atEnd);
    bool writeRow();
    // The value's text, unquoted (in `scratch` when it had doubled quotes).
    std::string_view value(int field, std::string &scratch) const;

    QList<Column> m_columns;
    QStringList m_targetColumns;
    int m_fieldCount = 0;
    bool m_passThrough = true;

    QByteArray m_buffer; // unparsed bytes: at most one unfinished row between calls
    std::vector<Field> m_fields;
    std::string m_out;
    std::string m_scratch, m_literal;
    qint64 m_rows = 0;
    QString m_problem;
};

} // namespace tether::sync
