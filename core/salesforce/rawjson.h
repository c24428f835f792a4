// RawJson: a small JSON reader that keeps every value's source text.
//
// QJsonDocument turns numbers into doubles, which silently rounds an
// 18-digit currency value; Salesforce data must round-trip exactly. RawJson
// parses the same grammar but leaves numbers (and nested objects) as the text
// the server sent, so they reach PostgreSQL unchanged. It is also several
// times faster than building a QJsonDocument for large query pages.
#pragma once

#include <QByteArray>
#include <QString>
#include <vector>

namespace tether::salesforce {

class RawJson
{
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    struct Member;
    struct Value
    {
        Type type = Type::Null;
        qsizetype begin = 0; // source span, [begin, end)
        qsizetype end = 0;
        bool boolean = false;
        std::vector<Member> members; // Object
        std::vector<Value> elements; // Array

        const Value *member(const char *key) const;
        bool isNull() const { return type == Type::Null; }
    };
    struct Member
    {
        QByteArray key;
        Value value;
    };

    // Parses `json`; on failure ok() is false and errorString() says where.
    explicit RawJson(QByteArray json);

    bool ok() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    const Value &root() const { return m_root; }

    // The value's text as sent (numbers, nested objects/arrays, true/false).
    QByteArray rawText(const Value &value) const;
    // A string value with escapes decoded (UTF-8); raw text for other types.
    QByteArray text(const Value &value) const;
    QString string(const Value &value) const { return QString::fromUtf8(text(value)); }

private:
    bool parseValue(Value &out, int depth);
    bool parseString(qsizetype &end);
    void skipSpace();
    bool fail(const char *what);

    QByteArray m_json;
    qsizetype m_pos = 0;
    Value m_root;
    QString m_error;
};

} // namespace tether::salesforce
