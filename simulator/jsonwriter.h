// Hand-written JSON and CSV output into a QByteArray. Serving 100,000+ records/s
// rules out building QJsonObjects per record, so the hot paths append bytes.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <algorithm>
#include <cstring>

namespace tether::sim {

// Appends `text` (UTF-8) as a quoted JSON string with the escapes JSON requires.
inline void appendJsonString(QByteArray &out, QByteArrayView text)
{
    out.append('"');
    const char *p = text.data();
    const char *end = p + text.size();
    const char *run = p;
    for (; p < end; ++p) {
        const unsigned char c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(run, p - run);
        run = p + 1;
        switch (c) {
        case '"': out.append("\\\"", 2); break;
        case '\\': out.append("\\\\", 2); break;
        case '\n': out.append("\\n", 2); break;
        case '\r': out.append("\\r", 2); break;
        case '\t': out.append("\\t", 2); break;
        default: {
            static const char hex[] = "0123456789abcdef";
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(esc, 6);
        }
        }
    }
    out.append(run, end - run);
    out.append('"');
}

inline void appendJsonString(QByteArray &out, const QString &text)
{
    appendJsonString(out, QByteArrayView(text.toUtf8()));
}

// Appends a CSV cell, always quoted (as Bulk API 2.0 results are), growing
// `out` once per cell: a results page is millions of cells.
inline void appendCsvCell(QByteArray &out, QByteArrayView text)
{
    const char *p = text.data();
    const qsizetype size = text.size();
    const qsizetype quotes = size > 0 && std::memchr(p, '"', size_t(size)) ? qsizetype(std::count(p, p + size, '"')) : 0;
    const qsizetype at = out.size();
    out.resize(at + size + quotes + 2);
    char *to = out.data() + at;
    *to++ = '"';
    if (quotes == 0) {
        if (size > 0)
            std::memcpy(to, p, size_t(size));
        to += size;
    } else {
        for (const char *end = p + size; p < end; ++p) {
            *to++ = *p;
            if (*p == '"')
                *to++ = '"'; // a quote inside is doubled
        }
    }
    *to = '"';
}

} // namespace tether::sim
