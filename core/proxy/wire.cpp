#include "proxy/wire.h"

#include <QtEndian>

namespace tether::proxy::wire {

namespace {

void appendInt32(QByteArray &out, qint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    out.append(bytes, 4);
}

// Writes the length field (which counts itself) into a message whose type
// byte, if any, is at offset 0.
QByteArray finish(QByteArray message, bool typed)
{
    const qsizetype at = typed ? 1 : 0;
    qToBigEndian(qint32(message.size() - at), message.data() + at);
    return message;
}

void appendField(QByteArray &out, char code, const QByteArray &value)
{
    if (value.isEmpty())
        return;
    out.append(code);
    // A NUL would end the field early on the client's side.
    QByteArray clean = value;
    clean.replace('\0', ' ');
    out.append(clean);
    out.append('\0');
}

} // namespace

QByteArray errorResponse(const ErrorFields &fields)
{
    QByteArray out("E\0\0\0\0", 5);
    appendField(out, 'S', fields.severity);
    appendField(out, 'V', fields.severity); // not localized, read by drivers since 9.6
    appendField(out, 'C', fields.sqlState);
    appendField(out, 'M', fields.message.toUtf8());
    appendField(out, 'D', fields.detail.toUtf8());
    appendField(out, 'H', fields.hint.toUtf8());
    appendField(out, 's', fields.schema.toUtf8());
    appendField(out, 't', fields.table.toUtf8());
    appendField(out, 'c', fields.column.toUtf8());
    out.append('\0');
    return finish(std::move(out), true);
}

QByteArray backendKeyData(qint32 processId, QByteArrayView secret)
{
    QByteArray out("K\0\0\0\0", 5);
    appendInt32(out, processId);
    out.append(secret.data(), secret.size());
    return finish(std::move(out), true);
}

QByteArray cancelRequest(qint32 processId, QByteArrayView secret)
{
    QByteArray out(4, '\0');
    appendInt32(out, CancelRequestCode);
    appendInt32(out, processId);
    out.append(secret.data(), secret.size());
    return finish(std::move(out), false);
}

QByteArray query(QByteArrayView sql)
{
    QByteArray out("Q\0\0\0\0", 5);
    out.append(sql.data(), sql.size());
    out.append('\0');
    return finish(std::move(out), true);
}

namespace {

void appendInt16(QByteArray &out, qint16 value)
{
    char bytes[2];
    qToBigEndian(value, bytes);
    out.append(bytes, 2);
}

void appendCString(QByteArray &out, QByteArrayView text)
{
    out.append(text.data(), text.size());
    out.append('\0');
}

QByteArray typed(char type)
{
    QByteArray out(5, '\0');
    out[0] = type;
    return out;
}

} // namespace

QByteArray parse(QByteArrayView statement, QByteArrayView sql)
{
    QByteArray out = typed('P');
    appendCString(out, statement);
    appendCString(out, sql);
    appendInt16(out, 0); // parameter types: all inferred
    return finish(std::move(out), true);
}

QByteArray bind(QByteArrayView portal, QByteArrayView statement, const QList<std::optional<QByteArray>> &parameters,
                const QList<qint16> &resultFormats)
{
    QByteArray out = typed('B');
    appendCString(out, portal);
    appendCString(out, statement);
    appendInt16(out, 0); // parameters in text format
    appendInt16(out, qint16(parameters.size()));
    for (const std::optional<QByteArray> &value : parameters) {
        if (!value) {
            appendInt32(out, -1);
            continue;
        }
        appendInt32(out, qint32(value->size()));
        out.append(*value);
    }
    appendInt16(out, qint16(resultFormats.size()));
    for (qint16 format : resultFormats)
        appendInt16(out, format);
    return finish(std::move(out), true);
}

QByteArray execute(QByteArrayView portal, qint32 maxRows)
{
    QByteArray out = typed('E');
    appendCString(out, portal);
    appendInt32(out, maxRows);
    return finish(std::move(out), true);
}

QByteArray close(char what, QByteArrayView name)
{
    QByteArray out = typed('C');
    out.append(what);
    appendCString(out, name);
    return finish(std::move(out), true);
}

QByteArray flush() { return finish(typed('H'), true); }
QByteArray sync() { return finish(typed('S'), true); }

QByteArray commandComplete(QByteArrayView tag)
{
    QByteArray out = typed('C');
    appendCString(out, tag);
    return finish(std::move(out), true);
}

QByteArray readyForQuery(char status)
{
    QByteArray out = typed('Z');
    out.append(status);
    return finish(std::move(out), true);
}

QList<std::optional<QByteArray>> parseDataRow(QByteArrayView body, bool *ok)
{
    QList<std::optional<QByteArray>> values;
    BodyReader reader(body);
    const qint16 count = reader.int16();
    for (qint16 i = 0; i < count && reader.ok(); ++i) {
        const qint32 length = reader.int32();
        if (length < 0)
            values.append(std::nullopt);
        else
            values.append(reader.bytes(length).toByteArray());
    }
    if (ok)
        *ok = reader.ok();
    return values;
}

QByteArray dataRow(const QList<std::optional<QByteArray>> &values)
{
    QByteArray out = typed('D');
    appendInt16(out, qint16(values.size()));
    for (const std::optional<QByteArray> &value : values) {
        if (!value) {
            appendInt32(out, -1);
            continue;
        }
        appendInt32(out, qint32(value->size()));
        out.append(*value);
    }
    return finish(std::move(out), true);
}

QList<FieldDescription> parseRowDescription(QByteArrayView body, bool *ok)
{
    QList<FieldDescription> fields;
    BodyReader reader(body);
    const qint16 count = reader.int16();
    for (qint16 i = 0; i < count && reader.ok(); ++i) {
        FieldDescription f;
        f.name = reader.cString().toByteArray();
        f.tableOid = quint32(reader.int32());
        f.columnNumber = reader.int16();
        f.typeOid = quint32(reader.int32());
        f.typeSize = reader.int16();
        f.typeModifier = reader.int32();
        f.format = reader.int16();
        fields.append(f);
    }
    if (ok)
        *ok = reader.ok();
    return fields;
}

ErrorFields errorFromBody(QByteArrayView body)
{
    ErrorFields error;
    for (const ErrorField &field : parseErrorFields(body)) {
        switch (field.code) {
        case 'V': error.severity = field.value; break;
        case 'C': error.sqlState = field.value; break;
        case 'M': error.message = QString::fromUtf8(field.value); break;
        case 'D': error.detail = QString::fromUtf8(field.value); break;
        case 'H': error.hint = QString::fromUtf8(field.value); break;
        case 's': error.schema = QString::fromUtf8(field.value); break;
        case 't': error.table = QString::fromUtf8(field.value); break;
        case 'c': error.column = QString::fromUtf8(field.value); break;
        default: break;
        }
    }
    return error;
}

QList<ErrorField> parseErrorFields(QByteArrayView body)
{
    QList<ErrorField> fields;
    BodyReader reader(body);
    while (reader.ok() && !reader.atEnd()) {
        const char code = reader.byte();
        if (code == 0)
            break;
        const QByteArrayView value = reader.cString();
        if (reader.ok())
            fields.append({code, value.toByteArray()});
    }
    return fields;
}

qint32 BodyReader::int32()
{
    const QByteArrayView at = bytes(4);
    return m_ok ? qFromBigEndian<qint32>(at.data()) : 0;
}

qint16 BodyReader::int16()
{
    const QByteArrayView at = bytes(2);
    return m_ok ? qFromBigEndian<qint16>(at.data()) : 0;
}

char BodyReader::byte()
{
    const QByteArrayView at = bytes(1);
    return m_ok ? at.at(0) : char(0);
}

QByteArrayView BodyReader::bytes(qsizetype count)
{
    if (!m_ok || count < 0 || count > m_body.size() - m_pos) {
        m_ok = false;
        return {};
    }
    const QByteArrayView at = m_body.sliced(m_pos, count);
    m_pos += count;
    return at;
}

QByteArrayView BodyReader::cString()
{
    if (!m_ok)
        return {};
    const qsizetype end = m_body.indexOf('\0', m_pos);
    if (end < 0) {
        m_ok = false;
        return {};
    }
    const QByteArrayView at = m_body.sliced(m_pos, end - m_pos);
    m_pos = end + 1;
    return at;
}

QByteArrayView BodyReader::rest()
{
    const QByteArrayView at = m_body.sliced(m_pos);
    m_pos = m_body.size();
    return at;
}

} // namespace tether::proxy::wire
