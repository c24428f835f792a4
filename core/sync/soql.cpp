#include "sync/soql.h"

#include "salesforce/restclient.h"

namespace tether::sync {

QString quoteSoql(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + escaped + u'\'';
}

QString soqlDateTime(const QDateTime &at)
{
    return at.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

QDateTime parseSalesforceDateTime(QString text)
{
    if (text.endsWith(QLatin1String("+0000")))
        text = text.left(text.size() - 5) + u'Z';
    QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!at.isValid())
        at = QDateTime::fromString(text, Qt::ISODate);
    return at.toUTC();
}

QDateTime serverTime(const salesforce::ApiReply &reply)
{
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(reply.header("Date")), Qt::RFC2822Date);
    return at.isValid() ? at.toUTC() : QDateTime::currentDateTimeUtc();
}

} // namespace tether::sync
