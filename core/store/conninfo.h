// Reading and rewriting libpq connection strings ("host=... port=..." or
// postgresql:// URIs) with libpq's own parser, so that every spelling libpq
// accepts is understood the same way here.
#pragma once

#include <QString>
#include <QtGlobal>

namespace tether::store {

struct ServerAddress
{
    QString host; // empty: libpq's default (a local Unix socket)
    quint16 port = 5432;
    // Reached over TCP: a host name or address, not a socket directory.
    bool isTcp() const { return !host.isEmpty() && !host.startsWith(u'/') && !host.startsWith(u'@'); }
};

// The (first) server a connection string names; PGHOST/PGPORT fill what it leaves out.
ServerAddress serverAddressOf(const QString &conninfo);

// The same connection string pointed at another server, in key=value form.
// A password in it is left out: the result is meant to be shown and copied.
QString withServerAddress(const QString &conninfo, const QString &host, quint16 port);

} // namespace tether::store
