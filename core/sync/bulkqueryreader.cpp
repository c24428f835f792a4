#include "sync/bulkqueryreader.h"

#include "logging.h"
#include "sync/syncconfig.h"

#include <QTimer>

namespace tether::sync {

using salesforce::BulkJob;
using salesforce::BulkResultsPage;
using salesforce::RequestId;
using salesforce::SalesforceError;

BulkQueryReader::BulkQueryReader(salesforce::RestClient *client, salesforce::ApiCategory category,
                                 const SyncConfig &config)
    : m_client(client), m_category(category), m_maxRecords(config.bulkMaxRecords),
      m_firstDelayMs(config.bulkStatusFirstDelayMs)
{
}

BulkQueryReader::~BulkQueryReader() { cancel(); }

void BulkQueryReader::resume(const Job &job)
{
    clear();
    m_job = job;
    // A job found after a restart may still run, or be gone: its results say which.
    m_complete = false;
}

void BulkQueryReader::clear()
{
    cancel();
    m_job = {};
    m_complete = false;
    m_checkStatus = false;
    m_delayMs = 0;
    m_checkAt = {};
}

void BulkQueryReader::cancel()
{
    m_done = nullptr;
    for (RequestId *id : {&m_request, &m_ahead}) {
        if (*id)
            m_client->cancel(*id);
        *id = 0;
    }
    m_aheadPage.reset();
    m_aheadNext.clear();
    m_pendingLocator.clear();
}

void BulkQueryReader::finishStep(const Result &result)
{
    m_request = 0;
    Done done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(result);
}

void BulkQueryReader::step(const QString &soql, const QStringList &fields, Done done)
{
    Q_ASSERT(!m_done);
    m_done = std::move(done);
    std::weak_ptr<char> alive = m_alive;

    if (!hasJob()) {
        m_request = salesforce::BulkQueryApi(m_client).createJob(
            soql, false, m_category,
            [this, alive, fields](const BulkJob &job) {
                if (alive.expired() || job.error.kind == SalesforceError::Kind::Cancelled)
                    return;
                Result result;
                result.apiCalls = 1;
                if (job.error) {
                    result.error = job.error;
                    return finishStep(result);
                }
                m_job = Job{job.id, fields, QString()};
                m_complete = job.state == QLatin1String("JobComplete");
                m_delayMs = m_firstDelayMs;
                m_checkAt = QDateTime::currentDateTimeUtc().addMSecs(m_delayMs);
                result.kind = Result::Kind::JobCreated;
                finishStep(result);
            });
        return;
    }

    if (!m_complete && !m_checkStatus) {
        requestPage(m_job.locator, false); // its answer says whether the job is complete
        return;
    }

    if (!m_complete) {
        m_request = salesforce::BulkQueryApi(m_client).job(
            m_job.id, m_category,
            [this, alive](const BulkJob &job) {
                if (alive.expired() || job.error.kind == SalesforceError::Kind::Cancelled)
                    return;
                Result result;
                result.apiCalls = 1;
                if (job.error && job.error.httpStatus != 404) {
                    result.error = job.error;
                    return finishStep(result);
                }
                if (job.error || job.state == QLatin1String("Failed") || job.state == QLatin1String("Aborted")) {
                    qCWarning(lcSync).noquote() << "Bulk job" << m_job.id << "is"
                                                << (job.error ? QStringLiteral("gone") : job.state) << "- a new one starts";
                    m_job = {};
                    m_checkAt = {};
                    result.kind = Result::Kind::JobGone;
                    return finishStep(result);
                }
                m_checkStatus = false;
                if (job.state == QLatin1String("JobComplete")) {
                    m_complete = true;
                    m_checkAt = {};
                } else {
                    lookAgainLater();
                }
                result.kind = Result::Kind::Waiting;
                finishStep(result);
            });
        return;
    }

    // A page asked for early: hand it over, or wait for it. Either way it is
    // now the page this step reads, and the one after it may be asked for.
    if (m_aheadPage) {
        const BulkResultsPage page = *m_aheadPage;
        m_aheadPage.reset();
        requestAhead();
        // Never call back from inside step(): the caller is still in it.
        QTimer::singleShot(0, m_client, [this, alive, page] {
            if (!alive.expired())
                onPage(page);
        });
        return;
    }
    if (m_ahead) {
        m_request = m_ahead; // onPage() hears its answer
        m_ahead = 0;
        requestAhead();
        return;
    }
    requestPage(m_job.locator, false);
}

void BulkQueryReader::lookAgainLater()
{
    // Each wait half as long again as the one before, counted from when the
    // last look was due rather than from its answer: the scheduler's and the
    // network's delays then do not add up look after look. A look the rate
    // limiter held back by more than a wait counts from now.
    m_delayMs = qMin(qMax(m_delayMs, m_firstDelayMs) * 3 / 2, 15000);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime fromDue = m_checkAt.addMSecs(m_delayMs); // invalid without a due time
    m_checkAt = fromDue.isValid() && fromDue > now ? fromDue : now.addMSecs(m_delayMs);
}

void BulkQueryReader::requestAhead()
{
    const QString next = m_aheadNext;
    m_aheadNext.clear();
    if (!next.isEmpty() && m_sinkFor)
        requestPage(next, true);
}

void BulkQueryReader::requestPage(const QString &locator, bool ahead)
{
    std::weak_ptr<char> alive = m_alive;
    PageSink sink = m_sinkFor ? m_sinkFor(locator) : PageSink();
    // The answer goes to whichever role the request has by then: the page
    // asked for early becomes the step's page when the step comes to it.
    auto id = std::make_shared<RequestId>(0);
    // A streamed page names the next one in its headers: the step's page has
    // it asked for at once, so it downloads (and is written) while this one
    // is; the early page keeps the name for when its turn comes.
    std::function<void(const QString &)> nextSeen;
    if (sink) {
        nextSeen = [this, alive, id](const QString &next) {
            if (alive.expired() || next.isEmpty())
                return;
            if (*id == m_request && !m_ahead && !m_aheadPage)
                requestPage(next, true);
            else if (*id == m_ahead)
                m_aheadNext = next;
        };
    }
    *id = salesforce::BulkQueryApi(m_client).results(
        m_job.id, locator, m_maxRecords, m_category, std::move(sink),
        [this, alive, id](const BulkResultsPage &page) {
            if (alive.expired() || page.error.kind == SalesforceError::Kind::Cancelled)
                return;
            if (*id == m_ahead)
                onAheadPage(page);
            else if (*id == m_request)
                onPage(page);
        },
        std::move(nextSeen));
    (ahead ? m_ahead : m_request) = *id;
}

void BulkQueryReader::onAheadPage(const BulkResultsPage &page)
{
    // Arrived before the step came to it (the page before it is still being
    // read or written): kept for step().
    m_ahead = 0;
    m_aheadPage = page;
}

void BulkQueryReader::dropAhead()
{
    // The early request belongs to a page after one that was not kept.
    if (m_ahead)
        m_client->cancel(m_ahead);
    m_ahead = 0;
    m_aheadPage.reset();
    m_aheadNext.clear();
}

void BulkQueryReader::onPage(const BulkResultsPage &page)
{
    m_request = 0;
    Result result;
    result.apiCalls = 1;
    if (page.error)
        dropAhead(); // this page is read again: what follows it waits
    if (page.error && page.error.errorCode == QLatin1String("STREAM_STOPPED")) {
        // The page's receiver stopped the download (it could not write it):
        // the job is complete, the same page is read again.
        m_complete = true;
        m_checkAt = {};
        result.error = page.error;
        return finishStep(result);
    }
    if (page.error && !m_complete) {
        // The results were asked for to learn whether the job is complete.
        if (page.error.httpStatus == 412 || page.error.errorCode == QLatin1String("JOB_NOT_COMPLETE")) {
            lookAgainLater();
        } else {
            // Gone, failed or something else: the job's status says which.
            qCInfo(lcSync).noquote() << "Bulk job" << m_job.id << "results:" << page.error.toString() << "- checking the job";
            m_checkStatus = true;
            m_checkAt = {};
        }
        result.kind = Result::Kind::Waiting;
        return finishStep(result);
    }
    if (page.error) {
        if (page.error.httpStatus == 404 || page.error.httpStatus == 400) {
            // Results expired or the locator was refused: start over.
            qCWarning(lcSync).noquote() << "Bulk job" << m_job.id << "results are gone:" << page.error.toString();
            m_job = {};
            m_complete = false;
            result.kind = Result::Kind::JobGone;
        } else {
            result.error = page.error;
        }
        return finishStep(result);
    }
    m_complete = true; // a page came: the job is complete
    m_checkAt = {};
    result.kind = Result::Kind::Page;
    result.page = page;
    m_pendingLocator = page.locator;
    // Ask for the next page now, if its headers have not done so already, so
    // it downloads while this one is written.
    if (!page.isLastPage() && !m_ahead && !m_aheadPage)
        requestPage(page.locator, true);
    finishStep(result);
}

void BulkQueryReader::pageApplied()
{
    m_job.locator = m_pendingLocator;
    m_pendingLocator.clear();
}

void BulkQueryReader::pageRejected()
{
    dropAhead();
    m_pendingLocator.clear();
}

} // namespace tether::sync
