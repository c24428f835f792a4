// CancelKeys: the cancel keys the proxy hands to its clients, mapped to the
// server's real ones.
//
// A client's BackendKeyData carries a process id and secret that the proxy
// made up; the server's own key never leaves the proxy. A CancelRequest
// arriving on a new connection is honoured only when it carries a key this
// table issued, and is then sent to the server with the server's key.
// Lives in the proxy's thread; not thread-safe.
#pragma once

#include <QByteArray>
#include <QHash>
#include <optional>

namespace tether::proxy {

struct CancelKey
{
    qint32 processId = 0;
    QByteArray secret; // 4 bytes in protocol 3.0; longer in 3.2
};

class CancelKeys
{
public:
    // A fresh key for a client whose server connection has `serverKey`:
    // a process id no other live session uses, and a random secret of the
    // same length as the server's.
    CancelKey issue(const CancelKey &serverKey);
    void release(qint32 proxyProcessId);
    // The server's key for a client's CancelRequest; nothing when the pair is
    // unknown or the secret does not match.
    std::optional<CancelKey> serverKeyFor(qint32 proxyProcessId, QByteArrayView secret) const;
    qsizetype size() const { return m_keys.size(); }

private:
    struct Entry
    {
        QByteArray proxySecret;
        CancelKey serverKey;
    };
    QHash<qint32, Entry> m_keys;
};

} // namespace tether::proxy
