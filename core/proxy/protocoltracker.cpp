#include "proxy/protocoltracker.h"

#include "logging.h"

namespace tether::proxy {

void ProtocolTracker::requestSent(char type, Origin origin, quint64 tag)
{
    // During COPY FROM STDIN the server ignores Sync and Flush.
    if (m_copy == Copy::In && (type == 'S' || type == 'H'))
        return;
    switch (type) {
    case 'P': m_pending.push_back({Expected::ParseComplete, origin}); break;
    case 'B': m_pending.push_back({Expected::BindComplete, origin}); break;
    case 'C': m_pending.push_back({Expected::CloseComplete, origin}); break;
    case 'D': m_pending.push_back({Expected::Description, origin, tag}); break;
    case 'E': m_pending.push_back({Expected::ExecuteResult, origin}); break;
    case 'S': m_pending.push_back({Expected::ReadyForQuery, origin}); break;
    case 'Q': m_pending.push_back({Expected::QueryCycle, origin}); break;
    case 'F': m_pending.push_back({Expected::FunctionResult, origin}); break;
    case 'c': // CopyDone and CopyFail end the client's half of a COPY
    case 'f':
        if (m_copy == Copy::In)
            m_copy = Copy::None;
        break;
    default: // Flush, CopyData, Terminate, authentication answers: no response of their own
        break;
    }
}

bool ProtocolTracker::clientResponsesPending() const
{
    for (const PendingResponse &p : m_pending) {
        if (p.origin != Origin::Proxy)
            return true;
    }
    return false;
}

Origin ProtocolTracker::frontOrigin() const
{
    return m_pending.empty() ? Origin::Client : m_pending.front().origin;
}

void ProtocolTracker::mismatch(char type)
{
    ++m_mismatches;
    qCWarning(lcProxy).nospace() << "unexpected server message '" << type << "' while "
                                 << m_pending.size() << " responses are pending";
}

Origin ProtocolTracker::popIf(Expected expected)
{
    if (m_pending.empty() || m_pending.front().expected != expected) {
        return Origin::Client;
    }
    const Origin origin = m_pending.front().origin;
    m_pending.pop_front();
    return origin;
}

Origin ProtocolTracker::responseReceived(char type, QByteArrayView body)
{
    const Expected front = m_pending.empty() ? Expected::ReadyForQuery : m_pending.front().expected;
    const bool inCycle = !m_pending.empty() && (front == Expected::QueryCycle || front == Expected::FunctionResult);
    const Origin origin = frontOrigin();

    switch (type) {
    case '1':
    case '2':
    case '3': {
        const Expected wanted = type == '1'   ? Expected::ParseComplete
                                : type == '2' ? Expected::BindComplete
                                              : Expected::CloseComplete;
        if (m_pending.empty() || front != wanted) {
            mismatch(type);
            return Origin::Client;
        }
        return popIf(wanted);
    }
    case 't': // ParameterDescription comes before the statement's RowDescription/NoData
        return origin;
    case 'T': // RowDescription: ends a Describe, or heads rows of a query
    case 'n': // NoData
        m_lastDescriptionTag = 0;
        if (!m_pending.empty() && front == Expected::Description) {
            m_lastDescriptionTag = m_pending.front().tag;
            return popIf(Expected::Description);
        }
        return origin;
    case 'D': // DataRow
    case 'V': // FunctionCallResponse
        return origin;
    case 'C': // CommandComplete
    case 'I': // EmptyQueryResponse
    case 's': // PortalSuspended
        m_copy = Copy::None;
        if (!m_pending.empty() && front == Expected::ExecuteResult)
            return popIf(Expected::ExecuteResult);
        if (!inCycle)
            mismatch(type);
        return origin;
    case 'G':
        m_copy = Copy::In;
        // A client using the extended protocol has usually sent its Sync
        // right behind the Execute, before it knew a COPY would start; the
        // server reads that Sync in copy mode and ignores it (libpq sends
        // another after CopyDone).
        if (!m_pending.empty() && front == Expected::ExecuteResult) {
            auto next = m_pending.begin() + 1;
            while (next != m_pending.end() && next->expected == Expected::ReadyForQuery)
                next = m_pending.erase(next);
        }
        return origin;
    case 'H': m_copy = Copy::Out; return origin;
    case 'W': m_copy = Copy::Both; return origin;
    case 'd': return origin; // CopyData from the server
    case 'c': // CopyDone from the server
        if (m_copy == Copy::Out)
            m_copy = Copy::None;
        return origin;
    case 'E': // ErrorResponse
        m_copy = Copy::None;
        // After an error in the extended protocol the server skips every
        // message up to the next Sync, so none of those get an answer.
        // A simple query or function call still ends with ReadyForQuery.
        if (!inCycle) {
            while (!m_pending.empty() && m_pending.front().expected != Expected::ReadyForQuery)
                m_pending.pop_front();
            m_skipping = true;
        }
        return origin;
    case 'N': // NoticeResponse belongs to whoever's request is running
        return origin;
    case 'Z': {
        m_copy = Copy::None;
        m_skipping = false;
        ++m_readyForQueryCount;
        m_transactionStatus = body.size() >= 1 ? body.at(0) : m_transactionStatus;
        // The first ReadyForQuery ends the startup; later ones end a Sync,
        // a simple query or a function call.
        if (m_pending.empty()) {
            if (m_readyForQueryCount > 1)
                mismatch(type);
            return Origin::Client;
        }
        while (!m_pending.empty()) {
            const PendingResponse done = m_pending.front();
            m_pending.pop_front();
            if (done.expected == Expected::ReadyForQuery || done.expected == Expected::QueryCycle
                || done.expected == Expected::FunctionResult)
                return done.origin;
            mismatch(type);
        }
        return origin;
    }
    default: // ParameterStatus, NotificationResponse, Authentication, BackendKeyData, NegotiateProtocolVersion
        return Origin::Client;
    }
}

} // namespace tether::proxy
