#include "store/pgerror.h"

#include <QCoreApplication>

namespace tether::store {

QString PgError::toString() const
{
    switch (kind) {
    case Kind::None:
        return {};
    case Kind::ConnectFailed:
        return QCoreApplication::translate("PgError",
                                           "Could not connect to PostgreSQL at %1:%2: %3")
            .arg(host)
            .arg(port)
            .arg(message);
    case Kind::ConnectionLost:
        return QCoreApplication::translate(
                   "PgError", "Lost the connection to PostgreSQL at %1:%2: %3")
            .arg(host)
            .arg(port)
            .arg(message);
    case Kind::Server: {
        QString text = QCoreApplication::translate("PgError", "PostgreSQL error %1: %2")
                           .arg(sqlState, message);
        if (!detail.isEmpty())
            text += QStringLiteral(" (%1)").arg(detail);
        return text;
    }
    case Kind::Client:
        return message;
    }
    return message;
}

} // namespace tether::store
