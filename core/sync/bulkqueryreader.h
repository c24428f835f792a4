// BulkQueryReader: reads one Bulk API 2.0 query job from its creation to its
// last results page — create, then the first results page asked for at a
// growing interval until the job is complete (JOB_NOT_COMPLETE until then:
// no separate status checks), then the results pages, either streamed to a
// sink as they download (backfills) or whole, the next one requested while
// the current one is written (the purge reconciler's Ids).
//
// The reader never moves on by itself: its owner applies each page and then
// says pageApplied() (the page and its locator committed) or pageRejected()
// (nothing was kept; the early request for the next page is cancelled and the
// same page is read again). The job's Id, field list and locator are the
// owner's to persist, with the page they belong to.
#pragma once

#include "salesforce/bulkqueryapi.h"

#include <QDateTime>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

namespace tether::sync {

struct SyncConfig;

class BulkQueryReader
{
public:
    struct Job
    {
        QString id;         // empty: no job yet
        QStringList fields; // the job's SELECT list, as created: the CSV's columns
        QString locator;    // the next page to read; empty = the first
    };

    struct Result
    {
        enum class Kind {
            JobCreated, // a new job exists (persist job()); nothing to apply yet
            Waiting,    // the job is still running; ask again after notBefore()
            Page,       // `page` is the next results page: apply it, then answer
            JobGone,    // expired, failed or aborted: the next step starts a new job
            Failed,     // the request failed (`error`); the step can be repeated
        };
        Kind kind = Kind::Failed;
        salesforce::SalesforceError error;
        salesforce::BulkResultsPage page;
        int apiCalls = 0; // requests this result cost
    };
    using Done = std::function<void(const Result &)>;

    BulkQueryReader(salesforce::RestClient *client, salesforce::ApiCategory category, const SyncConfig &config);
    ~BulkQueryReader();
    BulkQueryReader(const BulkQueryReader &) = delete;
    BulkQueryReader &operator=(const BulkQueryReader &) = delete;

    const Job &job() const { return m_job; }
    bool hasJob() const { return !m_job.id.isEmpty(); }
    // Continue a job read before a restart (an empty id means none).
    void resume(const Job &job);
    // Forget the job (and any page fetched early).
    void clear();
    // While the job runs, the next status check is not due before this.
    QDateTime notBefore() const { return m_checkAt; }

    // Sends the job's next request — creating it from `soql` (whose SELECT list
    // is `fields`), or reading a results page — and calls `done` once with the
    // result. A page fetched early is delivered without a new request.
    //
    // Whether the job is complete is learnt from its first results page: a
    // JOB_NOT_COMPLETE answer costs the same call as a status check, and a
    // complete job's first page then needs no call of its own. Only an answer
    // that says neither (the job gone, or an unknown error) is followed by a
    // status check.
    void step(const QString &soql, const QStringList &fields, Done done);
    // With sinks, each results page is streamed to a sink of its own as it
    // downloads (Result::page.csv stays empty): memory stays bounded whatever
    // maxRecords is. `sinkFor` gives the sink for the page at a locator (empty:
    // the first); it is asked once per request, in the order the pages are
    // requested. The next page is requested as soon as a page's headers name
    // it, so two pages may download (and be written) at once; the results
    // still come out of step() one page at a time, in order. Without sinks,
    // pages arrive whole, the next one requested while the current one is
    // written.
    using PageSink = std::function<bool(const char *data, qsizetype size)>;
    void setPageSinks(std::function<PageSink(const QString &locator)> sinkFor) { m_sinkFor = std::move(sinkFor); }
    void pageApplied();
    void pageRejected();
    // Abandons every request of this reader; a step in progress never calls
    // back (its owner is stopping or starting over).
    void cancel();

private:
    void requestPage(const QString &locator, bool ahead);
    void onPage(const salesforce::BulkResultsPage &page);      // the page step() waits for
    void onAheadPage(const salesforce::BulkResultsPage &page); // the page after it
    void dropAhead();
    void requestAhead(); // the page after the step's, when its locator is known
    void lookAgainLater(); // the job is not complete yet: when to look next
    void finishStep(const Result &result);

    salesforce::RestClient *m_client;
    salesforce::ApiCategory m_category;
    qint64 m_maxRecords;
    int m_firstDelayMs;
    Job m_job;
    bool m_complete = false; // JobComplete seen
    bool m_checkStatus = false; // a results answer said neither "not complete" nor a page
    std::function<PageSink(const QString &locator)> m_sinkFor;
    int m_delayMs = 0;
    QDateTime m_checkAt;
    Done m_done;                 // the step in progress
    salesforce::RequestId m_request = 0; // its request (the job, or the page it reads)
    // The page after the one being applied, requested early.
    salesforce::RequestId m_ahead = 0;
    std::optional<salesforce::BulkResultsPage> m_aheadPage;
    QString m_pendingLocator; // locator after the page being applied
    QString m_aheadNext;      // the locator the early page's headers named
    // Callbacks hold a weak reference: a reader destroyed while a cancelled
    // request's answer is still queued is not called.
    std::shared_ptr<char> m_alive = std::make_shared<char>();
};

} // namespace tether::sync
