#include "soql.h"

#include "org.h"

#include <QDateTime>

namespace tether::sim {

QString soqlErrorMessage(const QString &soql, int position, const QString &text)
{
    position = std::clamp(position, 0, int(soql.size()));
    int row = 1, lineStart = 0;
    for (int i = 0; i < position; ++i) {
        if (soql[i] == QLatin1Char('\n')) {
            ++row;
            lineStart = i + 1;
        }
    }
    int lineEnd = int(soql.indexOf(QLatin1Char('\n'), lineStart));
    if (lineEnd < 0)
        lineEnd = int(soql.size());
    const int column = position - lineStart + 1;
    return QStringLiteral("\n%1\n%2^\nERROR at Row:%3:Column:%4\n%5")
        .arg(soql.mid(lineStart, lineEnd - lineStart), QString(column - 1, QLatin1Char(' ')))
        .arg(row)
        .arg(column)
        .arg(text);
}

namespace {

struct Token
{
    enum class Kind { Word, String, Number, DateTime, Date, Punct, End };
    Kind kind = Kind::End;
    QString text;
    int position = 0;
    bool is(const char *keyword) const
    {
        return kind == Kind::Word && text.compare(QLatin1String(keyword), Qt::CaseInsensitive) == 0;
    }
    bool punct(const char *p) const { return kind == Kind::Punct && text == QLatin1String(p); }
};

class Parser
{
public:
    explicit Parser(const QString &soql) : m_soql(soql) {}

    std::shared_ptr<SoqlQuery> parse(SoqlError *error)
    {
        if (!tokenize()) {
            *error = m_error;
            return {};
        }
        auto q = std::make_shared<SoqlQuery>();
        q->text = m_soql;
        if (!parseQuery(*q)) {
            *error = m_error;
            return {};
        }
        return q;
    }

private:
    bool fail(int position, const QString &text, const QByteArray &code = "MALFORMED_QUERY")
    {
        if (m_error.errorCode.isEmpty())
            m_error = {code, soqlErrorMessage(m_soql, position, text)};
        return false;
    }
    bool unexpected()
    {
        const Token &t = peek();
        return fail(t.position, t.kind == Token::Kind::End ? QStringLiteral("unexpected token: '<EOF>'")
                                                           : QStringLiteral("unexpected token: '%1'").arg(t.text));
    }

    bool tokenize()
    {
        const QString &s = m_soql;
        int i = 0;
        const int n = int(s.size());
        auto isWordChar = [](QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); };
        while (i < n) {
            const QChar c = s[i];
            if (c.isSpace()) {
                ++i;
                continue;
            }
            Token t;
            t.position = i;
            if (c == QLatin1Char('\'')) {
                QString value;
                ++i;
                bool closed = false;
                while (i < n) {
                    const QChar d = s[i];
                    if (d == QLatin1Char('\\') && i + 1 < n) {
                        const QChar e = s[i + 1];
                        switch (e.unicode()) {
                        case 'n': value += QLatin1Char('\n'); break;
                        case 'r': value += QLatin1Char('\r'); break;
                        case 't': value += QLatin1Char('\t'); break;
                        case 'b': value += QLatin1Char('\b'); break;
                        case 'f': value += QLatin1Char('\f'); break;
                        case '\'': case '"': case '\\': value += e; break;
                        // LIKE keeps \_ and \% as escaped wildcards.
                        case '_': case '%': value += QLatin1Char('\\'); value += e; break;
                        default:
                            return fail(i, QStringLiteral("Invalid string literal '%1'. Illegal character sequence '\\%2' in string literal.")
                                               .arg(s.mid(t.position, i + 2 - t.position), e));
                        }
                        i += 2;
                        continue;
                    }
                    if (d == QLatin1Char('\'')) {
                        closed = true;
                        ++i;
                        break;
                    }
                    value += d;
                    ++i;
                }
                if (!closed)
                    return fail(t.position, QStringLiteral("unexpected token: '%1'").arg(s.mid(t.position)));
                t.kind = Token::Kind::String;
                t.text = value;
            } else if (c.isDigit() || ((c == QLatin1Char('-') || c == QLatin1Char('+') || c == QLatin1Char('.')) && i + 1 < n && s[i + 1].isDigit())) {
                int j = i + 1;
                while (j < n && (s[j].isLetterOrNumber() || s[j] == QLatin1Char('-') || s[j] == QLatin1Char(':')
                                 || s[j] == QLatin1Char('.') || s[j] == QLatin1Char('+')))
                    ++j;
                const QString word = s.mid(i, j - i);
                // Dates and datetimes are unquoted: 2024-01-01, 2024-01-01T00:00:00Z, ...+01:00
                if (word.size() >= 10 && word[4] == QLatin1Char('-') && word[7] == QLatin1Char('-')) {
                    if (word.size() == 10) {
                        if (!isValidDate(word.toLatin1()))
                            return fail(i, QStringLiteral("line 1:%1 no viable alternative at character '%2'").arg(i).arg(word));
                        t.kind = Token::Kind::Date;
                    } else {
                        if (parseDateTime(word.toLatin1()) < 0 || !(word.endsWith(QLatin1Char('Z')) || word.contains(QLatin1Char('+')) || word.lastIndexOf(QLatin1Char('-')) > 10))
                            return fail(i, QStringLiteral("unexpected token: '%1'").arg(word));
                        t.kind = Token::Kind::DateTime;
                    }
                } else {
                    bool ok = false;
                    word.toDouble(&ok);
                    if (!ok)
                        return fail(i, QStringLiteral("unexpected token: '%1'").arg(word));
                    t.kind = Token::Kind::Number;
                }
                t.text = word;
                i = j;
            } else if (isWordChar(c)) {
                int j = i;
                while (j < n && (isWordChar(s[j]) || s[j] == QLatin1Char('.') || (s[j] == QLatin1Char(':') && j + 1 < n && s[j + 1].isDigit())))
                    ++j;
                t.kind = Token::Kind::Word;
                t.text = s.mid(i, j - i);
                i = j;
            } else {
                static const char *const twoChar[] = {"!=", "<>", "<=", ">="};
                t.kind = Token::Kind::Punct;
                t.text = c;
                for (const char *p : twoChar) {
                    if (s.mid(i, 2) == QLatin1String(p))
                        t.text = QString::fromLatin1(p);
                }
                if (t.text == QLatin1String("<>"))
                    t.text = QStringLiteral("!=");
                static const QString allowed = QStringLiteral("(),=<>");
                if (t.text.size() == 1 && !allowed.contains(c))
                    return fail(i, QStringLiteral("unexpected token: '%1'").arg(c));
                i += int(t.text.size() == 2 || s.mid(i, 2) == QLatin1String("<>") ? 2 : 1);
            }
            m_tokens.append(t);
        }
        Token end;
        end.position = n;
        m_tokens.append(end);
        return true;
    }

    const Token &peek(int ahead = 0) const { return m_tokens[std::min(m_pos + ahead, int(m_tokens.size()) - 1)]; }
    Token next() { return m_tokens[std::min(m_pos++, int(m_tokens.size()) - 1)]; }

    static bool isReserved(const Token &t)
    {
        static const char *const words[] = {"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "ORDER", "BY",
                                            "LIMIT", "OFFSET", "IN", "LIKE", "NULL", "TRUE", "FALSE",
                                            "ASC", "DESC", "NULLS", "GROUP", "HAVING"};
        for (const char *w : words)
            if (t.is(w))
                return true;
        return false;
    }

    bool path(FieldPath &out)
    {
        const Token t = peek();
        if (t.kind != Token::Kind::Word || isReserved(t))
            return unexpected();
        next();
        out.parts = t.text.split(QLatin1Char('.'));
        out.position = t.position;
        for (const QString &p : out.parts)
            if (p.isEmpty())
                return fail(t.position, QStringLiteral("unexpected token: '%1'").arg(t.text));
        return true;
    }

    bool parseQuery(SoqlQuery &q)
    {
        if (!peek().is("SELECT"))
            return unexpected();
        next();
        do {
            SelectItem item;
            if (peek().is("COUNT") && peek(1).punct("(")) {
                next();
                next();
                if (peek().punct(")")) {
                    item.kind = SelectItem::Kind::Count;
                    item.path.position = peek().position;
                } else {
                    item.kind = SelectItem::Kind::CountField;
                    if (!path(item.path))
                        return false;
                }
                if (!peek().punct(")"))
                    return unexpected();
                next();
                if (peek().kind == Token::Kind::Word && !peek().is("FROM") && !isReserved(peek()))
                    item.alias = next().text;
            } else if (peek().punct("(")) {
                return fail(peek().position, QStringLiteral("Subqueries (parent-to-child relationships) are not supported by tether-sim."));
            } else if (!path(item.path)) {
                return false;
            }
            q.select.append(item);
            if (!peek().punct(","))
                break;
            next();
        } while (true);
        if (q.countOnly() && q.select.size() > 1)
            return fail(q.select[1].path.position, QStringLiteral("unexpected token: ','"));
        if (!peek().is("FROM"))
            return unexpected();
        next();
        const Token from = peek();
        if (from.kind != Token::Kind::Word || isReserved(from))
            return unexpected();
        next();
        q.from = from.text;
        q.fromPosition = from.position;
        if (peek().kind == Token::Kind::Word && !isReserved(peek()) && !peek().is("USING"))
            next(); // an alias: SELECT a.Name FROM Account a (accepted, not used)
        if (peek().is("WHERE")) {
            next();
            q.where = orExpr();
            if (!q.where)
                return false;
        }
        if (peek().is("ORDER")) {
            next();
            if (!peek().is("BY"))
                return unexpected();
            next();
            do {
                OrderItem item;
                if (!path(item.path))
                    return false;
                if (peek().is("ASC")) {
                    next();
                } else if (peek().is("DESC")) {
                    next();
                    item.descending = true;
                }
                item.nullsLast = item.descending;
                if (peek().is("NULLS")) {
                    next();
                    if (peek().is("FIRST"))
                        item.nullsLast = false;
                    else if (peek().is("LAST"))
                        item.nullsLast = true;
                    else
                        return unexpected();
                    next();
                }
                q.orderBy.append(item);
                if (!peek().punct(","))
                    break;
                next();
            } while (true);
        }
        if (peek().is("LIMIT")) {
            next();
            const Token n = next();
            bool ok = false;
            q.limit = n.text.toLongLong(&ok);
            if (n.kind != Token::Kind::Number || !ok || q.limit < 0) {
                --m_pos;
                return unexpected();
            }
        }
        if (peek().is("OFFSET")) {
            next();
            const Token n = next();
            bool ok = false;
            q.offset = n.text.toLongLong(&ok);
            q.offsetPosition = n.position;
            if (n.kind != Token::Kind::Number || !ok || q.offset < 0) {
                --m_pos;
                return unexpected();
            }
            if (q.offset > 2000)
                return fail(n.position, QStringLiteral("Maximum SOQL offset allowed is 2000"), "NUMBER_OUTSIDE_VALID_RANGE");
        }
        if (peek().kind != Token::Kind::End)
            return unexpected();
        return true;
    }

    std::unique_ptr<Condition> orExpr()
    {
        auto left = andExpr();
        if (!left)
            return {};
        if (!peek().is("OR"))
            return left;
        // SOQL has no precedence between AND and OR: mixing them needs parentheses.
        auto mixed = [this](const Condition &c) {
            if (c.kind == Condition::Kind::And && !c.grouped) {
                fail(c.operatorPosition, QStringLiteral("unexpected token: 'AND'"));
                return true;
            }
            return false;
        };
        if (mixed(*left))
            return {};
        auto node = std::make_unique<Condition>();
        node->kind = Condition::Kind::Or;
        node->operatorPosition = peek().position;
        node->children.push_back(std::move(left));
        while (peek().is("OR")) {
            next();
            auto right = andExpr();
            if (!right || mixed(*right))
                return {};
            node->children.push_back(std::move(right));
        }
        return node;
    }

    std::unique_ptr<Condition> andExpr()
    {
        auto left = notExpr();
        if (!left)
            return {};
        if (!peek().is("AND"))
            return left;
        auto node = std::make_unique<Condition>();
        node->kind = Condition::Kind::And;
        node->operatorPosition = peek().position;
        node->children.push_back(std::move(left));
        while (peek().is("AND")) {
            next();
            auto right = notExpr();
            if (!right)
                return {};
            node->children.push_back(std::move(right));
        }
        if (peek().is("OR")) {
            unexpected();
            return {};
        }
        return node;
    }

    std::unique_ptr<Condition> notExpr()
    {
        if (peek().is("NOT")) {
            next();
            auto inner = notExpr();
            if (!inner)
                return {};
            auto node = std::make_unique<Condition>();
            node->kind = Condition::Kind::Not;
            node->children.push_back(std::move(inner));
            return node;
        }
        if (peek().punct("(")) {
            next();
            auto inner = orExpr();
            if (!inner)
                return {};
            if (!peek().punct(")")) {
                unexpected();
                return {};
            }
            next();
            inner->grouped = true;
            return inner;
        }
        return comparison();
    }

    bool literal(Literal &out)
    {
        const Token t = next();
        out.position = t.position;
        out.text = t.text;
        switch (t.kind) {
        case Token::Kind::String: out.kind = Literal::Kind::String; return true;
        case Token::Kind::Number: out.kind = Literal::Kind::Number; return true;
        case Token::Kind::Date: out.kind = Literal::Kind::Date; return true;
        case Token::Kind::DateTime: out.kind = Literal::Kind::DateTime; return true;
        case Token::Kind::Word:
            if (t.is("null")) {
                out.kind = Literal::Kind::Null;
                return true;
            }
            if (t.is("true") || t.is("false")) {
                out.kind = Literal::Kind::Boolean;
                out.text = t.text.toLower();
                return true;
            }
            if (dateKeyword(t.text, out))
                return true;
            break;
        default:
            break;
        }
        --m_pos;
        return unexpected();
    }

    static bool dateKeyword(const QString &word, Literal &out)
    {
        const qint64 today = QDateTime::currentMSecsSinceEpoch() / 86400000 * 86400000;
        const qint64 day = 86400000;
        const QString upper = word.toUpper();
        qint64 start = 0, end = 0;
        if (upper == QLatin1String("TODAY")) {
            start = today, end = today + day;
        } else if (upper == QLatin1String("YESTERDAY")) {
            start = today - day, end = today;
        } else if (upper == QLatin1String("TOMORROW")) {
            start = today + day, end = today + 2 * day;
        } else if (upper.startsWith(QLatin1String("LAST_N_DAYS:")) || upper.startsWith(QLatin1String("NEXT_N_DAYS:"))) {
            bool ok = false;
            const int n = upper.mid(12).toInt(&ok);
            if (!ok || n < 0)
                return false;
            if (upper.startsWith(QLatin1String("LAST")))
                start = today - (n - 1) * day, end = today + day;
            else
                start = today + day, end = today + (n + 1) * day;
        } else {
            return false;
        }
        out.kind = Literal::Kind::DateRange;
        out.rangeStartMs = start;
        out.rangeEndMs = end;
        return true;
    }

    std::unique_ptr<Condition> comparison()
    {
        auto node = std::make_unique<Condition>();
        if (!path(node->path))
            return {};
        const Token op = peek();
        if (op.kind == Token::Kind::Punct && op.text != QLatin1String("(") && op.text != QLatin1String(")")
            && op.text != QLatin1String(",")) {
            next();
            node->kind = Condition::Kind::Compare;
            node->op = op.text.toLatin1();
            Literal v;
            if (!literal(v))
                return {};
            node->values.append(v);
            return node;
        }
        if (op.is("LIKE")) {
            next();
            node->kind = Condition::Kind::Like;
            Literal v;
            if (!literal(v))
                return {};
            if (v.kind != Literal::Kind::String) {
                fail(v.position, QStringLiteral("unexpected token: '%1'").arg(v.text));
                return {};
            }
            node->values.append(v);
            return node;
        }
        bool negated = false;
        if (op.is("NOT") && peek(1).is("IN")) {
            next();
            negated = true;
        }
        if (peek().is("IN")) {
            next();
            node->kind = negated ? Condition::Kind::NotIn : Condition::Kind::In;
            if (!peek().punct("(")) {
                unexpected();
                return {};
            }
            next();
            if (peek().is("SELECT")) {
                fail(peek().position, QStringLiteral("Semi-join subqueries are not supported by tether-sim."));
                return {};
            }
            do {
                Literal v;
                if (!literal(v))
                    return {};
                node->values.append(v);
                if (!peek().punct(","))
                    break;
                next();
            } while (true);
            if (!peek().punct(")")) {
                unexpected();
                return {};
            }
            next();
            return node;
        }
        unexpected();
        return {};
    }

    QString m_soql;
    QList<Token> m_tokens;
    int m_pos = 0;
    SoqlError m_error;
};

} // namespace

std::shared_ptr<SoqlQuery> parseSoql(const QString &soql, SoqlError *error)
{
    Parser parser(soql);
    return parser.parse(error);
}

} // namespace tether::sim
