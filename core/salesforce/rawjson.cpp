#include "salesforce/rawjson.h"

#include <cstring>

namespace tether::salesforce {

namespace {
constexpr int maxDepth = 64;

void appendUtf8(QByteArray &out, char32_t code)
{
    if (code < 0x80) {
        out += char(code);
    } else if (code < 0x800) {
        out += char(0xC0 | (code >> 6));
        out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += char(0xE0 | (code >> 12));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    } else {
        out += char(0xF0 | (code >> 18));
        out += char(0x80 | ((code >> 12) & 0x3F));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

const RawJson::Value *RawJson::Value::member(const char *key) const
{
    for (const Member &m : members) {
        if (m.key == key)
            return &m.value;
    }
    return nullptr;
}

RawJson::RawJson(QByteArray json) : m_json(std::move(json))
{
    skipSpace();
    if (!parseValue(m_root, 0))
        return;
    skipSpace();
    if (m_pos != m_json.size())
        fail("trailing characters after the JSON value");
}

bool RawJson::fail(const char *what)
{
    if (m_error.isEmpty())
        m_error = QStringLiteral("Malformed JSON at byte %1: %2").arg(m_pos).arg(QLatin1String(what));
    return false;
}

void RawJson::skipSpace()
{
    const char *data = m_json.constData();
    while (m_pos < m_json.size() &&
           (data[m_pos] == ' ' || data[m_pos] == '\n' || data[m_pos] == '\r' || data[m_pos] == '\t'))
        ++m_pos;
}

bool RawJson::parseString(qsizetype &end)
{
    // m_pos is at the opening quote.
    const char *data = m_json.constData();
    ++m_pos;
    while (m_pos < m_json.size()) {
        const char c = data[m_pos];
        if (c == '"') {
            end = ++m_pos;
            return true;
        }
        if (c == '\\')
            ++m_pos;
        else if (static_cast<unsigned char>(c) < 0x20)
            return fail("control character in string");
        ++m_pos;
    }
    return fail("unterminated string");
}

bool RawJson::parseValue(Value &out, int depth)
{
    if (depth > maxDepth)
        return fail("nesting too deep");
    if (m_pos >= m_json.size())
        return fail("unexpected end of input");
    const char *data = m_json.constData();
    out.begin = m_pos;
    const char c = data[m_pos];
    if (c == '{') {
        out.type = Type::Object;
        ++m_pos;
        skipSpace();
        if (m_pos < m_json.size() && data[m_pos] == '}') {
            out.end = ++m_pos;
            return true;
        }
        while (true) {
            skipSpace();
            if (m_pos >= m_json.size() || data[m_pos] != '"')
                return fail("expected a member name");
            Member member;
            Value keyValue{Type::String, m_pos, 0, false, {}, {}};
            if (!parseString(keyValue.end))
                return false;
            member.key = text(keyValue);
            skipSpace();
            if (m_pos >= m_json.size() || data[m_pos] != ':')
                return fail("expected ':'");
            ++m_pos;
            skipSpace();
            if (!parseValue(member.value, depth + 1))
                return false;
            out.members.push_back(std::move(member));
            skipSpace();
            if (m_pos < m_json.size() && data[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_json.size() && data[m_pos] == '}') {
                out.end = ++m_pos;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }
    if (c == '[') {
        out.type = Type::Array;
        ++m_pos;
        skipSpace();
        if (m_pos < m_json.size() && data[m_pos] == ']') {
            out.end = ++m_pos;
            return true;
        }
        while (true) {
            skipSpace();
            Value element;
            if (!parseValue(element, depth + 1))
                return false;
            out.elements.push_back(std::move(element));
            skipSpace();
            if (m_pos < m_json.size() && data[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_json.size() && data[m_pos] == ']') {
                out.end = ++m_pos;
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }
    if (c == '"') {
        out.type = Type::String;
        return parseString(out.end);
    }
    auto literal = [&](const char *word, Type type, bool value) {
        const qsizetype len = qsizetype(std::strlen(word));
        if (m_json.size() - m_pos < len || std::memcmp(data + m_pos, word, size_t(len)) != 0)
            return fail("unknown literal");
        out.type = type;
        out.boolean = value;
        m_pos += len;
        out.end = m_pos;
        return true;
    };
    if (c == 't')
        return literal("true", Type::Bool, true);
    if (c == 'f')
        return literal("false", Type::Bool, false);
    if (c == 'n')
        return literal("null", Type::Null, false);
    if (c == '-' || (c >= '0' && c <= '9')) {
        out.type = Type::Number;
        ++m_pos;
        while (m_pos < m_json.size()) {
            const char d = data[m_pos];
            if ((d >= '0' && d <= '9') || d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-')
                ++m_pos;
            else
                break;
        }
        out.end = m_pos;
        return true;
    }
    return fail("unexpected character");
}

QByteArray RawJson::rawText(const Value &value) const
{
    return m_json.mid(value.begin, value.end - value.begin);
}

QByteArray RawJson::text(const Value &value) const
{
    if (value.type != Type::String)
        return rawText(value);
    const char *data = m_json.constData();
    const qsizetype first = value.begin + 1;
    const qsizetype last = value.end - 1; // closing quote
    // Fast path: no escapes.
    if (!std::memchr(data + first, '\\', size_t(last - first)))
        return QByteArray(data + first, last - first);
    QByteArray out;
    out.reserve(last - first);
    for (qsizetype i = first; i < last; ++i) {
        const char c = data[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        const char e = data[++i];
        switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
            auto hex4 = [&](qsizetype at) {
                int v = 0;
                for (qsizetype k = at; k < at + 4 && k < last; ++k)
                    v = v * 16 + qMax(0, hexValue(data[k]));
                return char32_t(v);
            };
            char32_t code = hex4(i + 1);
            i += 4;
            if (code >= 0xD800 && code <= 0xDBFF && i + 6 < last && data[i + 1] == '\\' && data[i + 2] == 'u') {
                const char32_t low = hex4(i + 3);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
            }
            appendUtf8(out, code);
            break;
        }
        default: out += e; break; // \" \\ \/
        }
    }
    return out;
}

} // namespace tether::salesforce
