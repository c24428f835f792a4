#include "proxy/cancelkeys.h"

#include <QRandomGenerator>

namespace tether::proxy {

CancelKey CancelKeys::issue(const CancelKey &serverKey)
{
    QRandomGenerator *random = QRandomGenerator::system();
    qint32 processId = 0;
    // Positive like a real pid; never 0, never one in use.
    while (processId <= 0 || m_keys.contains(processId))
        processId = qint32(random->bounded(1u, 0x7FFFFFFFu));
    QByteArray secret(qMax<qsizetype>(4, serverKey.secret.size()), Qt::Uninitialized);
    for (char &byte : secret)
        byte = char(random->bounded(256u));
    m_keys.insert(processId, Entry{secret, serverKey});
    return CancelKey{processId, secret};
}

void CancelKeys::release(qint32 proxyProcessId) { m_keys.remove(proxyProcessId); }

std::optional<CancelKey> CancelKeys::serverKeyFor(qint32 proxyProcessId, QByteArrayView secret) const
{
    const auto it = m_keys.constFind(proxyProcessId);
    if (it == m_keys.constEnd() || it->proxySecret.size() != secret.size())
        return std::nullopt;
    // Compare every byte so the time taken says nothing about the secret.
    uchar difference = 0;
    for (qsizetype i = 0; i < secret.size(); ++i)
        difference |= uchar(it->proxySecret.at(i)) ^ uchar(secret.at(i));
    if (difference != 0)
        return std::nullopt;
    return it->serverKey;
}

} // namespace tether::proxy
