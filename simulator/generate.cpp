// Deterministic, realistic data for the simulated org (Org::generate): the same
// --seed and --generate counts always give the same records and Ids.
#include "org.h"
#include "sfid.h"

#include <QRandomGenerator>

namespace tether::sim {

namespace {

const char *const FirstNames[] = {"Ada", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro", "Ines",
                                  "Jonas", "Keiko", "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa",
                                  "Sven", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe"};
const char *const LastNames[] = {"Andersen", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia",
                                 "Hansen", "Ivanova", "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura",
                                 "O'Brien", "Petrov", "Quintero", "Rossi", "Schmidt", "Tanaka", "Ulrich",
                                 "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann"};
const char *const CompanyA[] = {"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Cyberdyne",
                                "Tyrell", "Soylent", "Hooli", "Vandelay", "Pied Piper", "Aperture", "Oscorp",
                                "Massive Dynamic", "Gringotts", "Blue Sun", "Monarch", "Nakatomi"};
const char *const CompanyB[] = {"Industries", "Systems", "Holdings", "Labs", "Logistics", "Foods", "Energy",
                                "Analytics", "Robotics", "Partners", "Group", "Networks", "Bio", "Capital"};
const char *const Cities[] = {"San Francisco", "New York", "London", "Paris", "Berlin", "Tokyo", "Sydney",
                              "Toronto", "Madrid", "Amsterdam", "Chicago", "Austin", "Dublin", "Zurich"};
const char *const States[] = {"CA", "NY", "TX", "IL", "WA", "MA", "CO", "GA"};
const char *const Countries[] = {"United States", "United Kingdom", "France", "Germany", "Japan", "Australia",
                                 "Canada", "Spain", "Netherlands", "Ireland", "Switzerland"};
const char *const Streets[] = {"Market St", "Main St", "High St", "Baker St", "Elm Ave", "Harbor Rd",
                               "Station Rd", "Park Lane", "King St", "Mission St"};
const char *const Titles[] = {"CEO", "CFO", "VP Sales", "Head of IT", "Buyer", "Engineer", "Office Manager",
                              "Director of Operations", "Procurement Lead", "Analyst"};
const char *const Products[] = {"Widget", "Gadget", "Sensor", "Gateway", "License", "Support Plan", "Router",
                                "Controller", "Dashboard", "Installation"};

template <size_t N>
const char *pick(QRandomGenerator &rng, const char *const (&list)[N])
{
    return list[rng.bounded(quint32(N))];
}

QByteArray pickValue(QRandomGenerator &rng, const QStringList &values)
{
    return values.isEmpty() ? QByteArray() : values[int(rng.bounded(quint32(values.size())))].toUtf8();
}

struct Generator
{
    Org &org;
    QRandomGenerator rng;
    QMap<QString, int> counts;
    qint64 baseMs;
    qint64 stepMs;
    qint64 sequence = 0;

    QByteArray randomId(const char *object, const char *prefix)
    {
        const int n = counts.value(QString::fromLatin1(object));
        if (n <= 0)
            return {};
        return makeId(prefix, 1 + rng.bounded(quint32(n)));
    }
    QByteArray randomUser()
    {
        return makeId("005", 1 + rng.bounded(quint32(std::max(2, counts.value(QStringLiteral("User"))))));
    }
    QByteArray date(int fromDays, int toDays)
    {
        const qint64 day = (baseMs / 86400000) + 365 + fromDays + qint64(rng.bounded(quint32(toDays - fromDays + 1)));
        return formatDateTime(day * 86400000).left(10);
    }
    QByteArray money(double low, double high, int scale)
    {
        return QByteArray::number(low + rng.generateDouble() * (high - low), 'f', scale);
    }

    // A realistic value for field `f` of record number `n` (1-based) of `t`, or "" to leave it null.
    QByteArray value(const Table &t, const FieldDef &f, quint64 n, const QByteArray &first, const QByteArray &last,
                     const QByteArray &company)
    {
        const QString &name = f.name;
        const QString &object = t.def.name;
        const bool optional = f.nillable;
        if (optional && f.type != FieldType::Boolean && rng.bounded(100u) < 12)
            return {};
        if (name == QLatin1String("FirstName"))
            return first;
        if (name == QLatin1String("LastName"))
            return last;
        if (name == QLatin1String("Name") || name == QLatin1String("Company")) {
            if (object == QLatin1String("Account") || name == QLatin1String("Company"))
                return company;
            if (object == QLatin1String("Opportunity"))
                return company + " - " + pick(rng, Products) + " deal";
            if (object == QLatin1String("Campaign"))
                return QByteArray("Campaign ") + QByteArray::number(n) + ' ' + pick(rng, Cities);
            if (object == QLatin1String("Product2") || object == QLatin1String("PricebookEntry"))
                return QByteArray(pick(rng, Products)) + ' ' + QByteArray::number(n);
            if (object == QLatin1String("Pricebook2"))
                return n == 1 ? QByteArray("Standard Price Book") : "Price Book " + QByteArray::number(n);
            return QByteArray("Shipment ") + QByteArray::number(n);
        }
        if (name == QLatin1String("Username"))
            return first.toLower() + '.' + last.toLower().replace('\'', "") + QByteArray::number(n) + "@tether.sim";
        if (name == QLatin1String("Alias"))
            return (first.left(1) + last.left(4)).toLower();
        if (f.type == FieldType::Email)
            return first.toLower() + '.' + last.toLower().replace('\'', "") + "@"
                   + company.toLower().replace(' ', "").left(12) + ".example.com";
        if (name.endsWith(QLatin1String("Street")))
            return QByteArray::number(1 + rng.bounded(999u)) + ' ' + pick(rng, Streets);
        if (name.endsWith(QLatin1String("City")))
            return pick(rng, Cities);
        if (name.endsWith(QLatin1String("State")))
            return pick(rng, States);
        if (name.endsWith(QLatin1String("PostalCode")))
            return QByteArray::number(10000 + rng.bounded(89999u));
        if (name.endsWith(QLatin1String("Country")))
            return pick(rng, Countries);
        if (name.endsWith(QLatin1String("Latitude")) || name.contains(QLatin1String("Latitude__s")))
            return QByteArray::number(-60 + rng.generateDouble() * 120, 'f', f.scale);
        if (name.endsWith(QLatin1String("Longitude")) || name.contains(QLatin1String("Longitude__s")))
            return QByteArray::number(-180 + rng.generateDouble() * 360, 'f', f.scale);
        if (name == QLatin1String("Title"))
            return pick(rng, Titles);
        if (name == QLatin1String("Amount") || name == QLatin1String("Amount__c"))
            return money(500, 250000, f.scale);
        if (name == QLatin1String("UnitPrice"))
            return money(10, 5000, 2);
        if (name == QLatin1String("Probability"))
            return QByteArray::number(rng.bounded(11u) * 10);
        if (name == QLatin1String("Tax_Rate__c"))
            return QByteArray::number(rng.bounded(4u) * 5 + 0.5, 'f', 2);
        if (name == QLatin1String("ERP_Id__c"))
            return "ERP-" + QByteArray::number(n).rightJustified(8, '0');
        if (name == QLatin1String("External_Ref__c"))
            return "EXT-" + QByteArray::number(n).rightJustified(8, '0');
        if (name == QLatin1String("StockKeepingUnit"))
            return "SKU-" + QByteArray::number(n).rightJustified(6, '0');
        if (name == QLatin1String("Website") || name == QLatin1String("Tracking_Url__c"))
            return "https://www." + company.toLower().replace(' ', "").left(12) + ".example.com";
        switch (f.type) {
        case FieldType::Reference: {
            const QString target = f.referenceTo.value(int(rng.bounded(quint32(f.referenceTo.size()))));
            if (target == QLatin1String("User"))
                return randomUser();
            if (f.name == QLatin1String("ParentId"))
                return rng.bounded(100u) < 80 ? QByteArray() : randomId(target.toLatin1().constData(), t.def.keyPrefix.constData());
            Table *other = org.table(target);
            return other ? randomId(other->def.name.toLatin1().constData(), other->def.keyPrefix.constData()) : QByteArray();
        }
        case FieldType::Boolean: return rng.bounded(2u) ? "true" : "false";
        case FieldType::Int: return QByteArray::number(1 + rng.bounded(50000u));
        case FieldType::Long: return QByteArray::number(qint64(n) * 1000003);
        case FieldType::Double: return QByteArray::number(rng.generateDouble() * 1000, 'f', f.scale);
        case FieldType::Currency: return money(1000, 5000000, f.scale);
        case FieldType::Percent: return QByteArray::number(rng.bounded(100u), 'f', f.scale);
        case FieldType::Date: return date(-300, 120);
        case FieldType::DateTime: return formatDateTime(baseMs + qint64(rng.bounded(365u * 86400u)) * 1000);
        case FieldType::Time: return formatDateTime(qint64(rng.bounded(24u)) * 3600000).mid(11, 12) + 'Z';
        case FieldType::Picklist:
        case FieldType::Combobox: return f.defaultValue.isEmpty() || rng.bounded(3u) ? pickValue(rng, f.picklistValues) : f.defaultValue.toUtf8();
        case FieldType::MultiPicklist: {
            QByteArray v = pickValue(rng, f.picklistValues);
            const QByteArray second = pickValue(rng, f.picklistValues);
            return second == v ? v : v + ';' + second;
        }
        case FieldType::Phone: return "+1 415 555 " + QByteArray::number(1000 + rng.bounded(8999u));
        case FieldType::TextArea:
            return f.length > 255 ? "Generated record " + QByteArray::number(n) + " for " + company + ".\nSecond line."
                                  : QByteArray("Handle with care");
        case FieldType::Base64: return QByteArray("label-" + QByteArray::number(n)).toBase64();
        case FieldType::EncryptedString: return "HS" + QByteArray::number(100000 + rng.bounded(899999u));
        case FieldType::Json: return "{\"scan\":" + QByteArray::number(n) + "}";
        case FieldType::AnyType: return "Depot " + QByteArray(pick(rng, Cities));
        case FieldType::DataCategoryGroupReference: return "Logistics";
        case FieldType::ComplexValue: return {};
        default: return f.length > 0 ? QByteArray(pick(rng, Products)).left(f.length) : QByteArray();
        }
    }

    void fill(Table &t, int count)
    {
        for (int i = 0; i < count; ++i) {
            const quint64 n = t.nextIdNumber++;
            QList<QByteArray> cells(t.def.slotCount);
            const QByteArray first = pick(rng, FirstNames), last = pick(rng, LastNames);
            const QByteArray company = QByteArray(pick(rng, CompanyA)) + ' ' + pick(rng, CompanyB);
            for (const FieldDef &f : t.def.fields) {
                if (f.slot < 0 || f.autoNumber || f.type == FieldType::Id)
                    continue;
                cells[f.slot] = value(t, f, n, first, last, company);
            }
            for (const FieldDef &f : t.def.fields) {
                if (f.autoNumber && f.slot >= 0) {
                    const quint64 a = t.autoNumberNext.value(f.slot, 1);
                    t.autoNumberNext.insert(f.slot, a + 1);
                    const int open = f.autoNumberFormat.indexOf(QLatin1Char('{'));
                    const int close = f.autoNumberFormat.indexOf(QLatin1Char('}'));
                    cells[f.slot] = (f.autoNumberFormat.left(open) + QString::number(a).rightJustified(close - open - 1, QLatin1Char('0'))).toUtf8();
                }
            }
            if (t.def.name == QLatin1String("Opportunity") && !cells[t.slot(QStringLiteral("StageName"))].isEmpty()) {
                const int amount = t.slot(QStringLiteral("Amount"));
                if (cells[amount].startsWith('-'))
                    cells[amount].remove(0, 1);
            }
            const QByteArray stamp = formatDateTime(baseMs + sequence++ * stepMs);
            cells[t.idSlot] = makeId(t.def.keyPrefix, n);
            cells[t.isDeletedSlot] = "false";
            cells[t.createdDateSlot] = stamp;
            cells[t.lastModifiedDateSlot] = stamp;
            cells[t.systemModstampSlot] = stamp;
            const QByteArray creator = t.def.name == QLatin1String("User") ? makeId("005", 1) : randomUser();
            cells[t.createdByIdSlot] = creator;
            cells[t.lastModifiedByIdSlot] = creator;
            t.rows.push_back(rowblob::encode(cells));
        }
    }
};

} // namespace

void Org::generate(const QMap<QString, int> &requested, quint64 seed)
{
    buildTables();
    QMap<QString, int> counts = requested;
    counts[QStringLiteral("User")] = std::max(2, counts.value(QStringLiteral("User")));
    counts[QStringLiteral("Pricebook2")] = std::max(1, counts.value(QStringLiteral("Pricebook2")));
    counts[QStringLiteral("Organization")] = 1; // filled below, after the users; counted here so the timeline ends before now
    qint64 total = 0;
    for (int n : std::as_const(counts))
        total += n;
    const qint64 now = nowMs();
    const qint64 span = 365LL * 86400000 - 3600000;
    Generator g{*this, QRandomGenerator(quint32(seed ^ (seed >> 32))), counts, now - 365LL * 86400000,
                std::max<qint64>(1, span / std::max<qint64>(1, total))};
    static const char *const order[] = {"User", "Account", "Contact", "Lead", "Campaign", "Product2", "Pricebook2",
                                        "PricebookEntry", "Opportunity", "Case", "Task", "Invoice__c", "Shipment__c"};
    for (const char *name : order) {
        Table *t = table(QString::fromLatin1(name));
        const int count = counts.value(t->def.name);
        t->rows.reserve(size_t(count));
        g.fill(*t, count);
    }
    // The two users every org has: the admin that logs in and the integration
    // user whose changes stand for "someone else changed it in Salesforce".
    Table *users = table(QStringLiteral("User"));
    auto setUser = [&](int row, const char *first, const char *last, const char *username, const char *alias) {
        QList<QByteArray> cells = rowblob::decode(users->rows[size_t(row)], users->def.slotCount);
        cells[users->slot(QStringLiteral("FirstName"))] = first;
        cells[users->slot(QStringLiteral("LastName"))] = last;
        cells[users->slot(QStringLiteral("Username"))] = username;
        cells[users->slot(QStringLiteral("Email"))] = username;
        cells[users->slot(QStringLiteral("Alias"))] = alias;
        cells[users->slot(QStringLiteral("IsActive"))] = "true";
        users->rows[size_t(row)] = rowblob::encode(cells);
    };
    setUser(0, "Tether", "Admin", "admin@tether.sim", "tadmin");
    setUser(1, "Integration", "User", "integration@tether.sim", "integ");
    // The org itself: one Organization record with the org's Id.
    Table *organization = table(QStringLiteral("Organization"));
    g.fill(*organization, counts.value(QStringLiteral("Organization")));
    {
        QList<QByteArray> cells = rowblob::decode(organization->rows[0], organization->def.slotCount);
        cells[organization->idSlot] = m_orgId;
        cells[organization->slot(QStringLiteral("Name"))] = "Tether Simulated Org";
        cells[organization->slot(QStringLiteral("OrganizationType"))] = "Enterprise Edition";
        cells[organization->slot(QStringLiteral("InstanceName"))] = "SIM1";
        cells[organization->slot(QStringLiteral("IsSandbox"))] = "false";
        cells[organization->createdByIdSlot] = makeId("005", 1);
        cells[organization->lastModifiedByIdSlot] = makeId("005", 1);
        organization->rows[0] = rowblob::encode(cells);
    }
    Table *books = table(QStringLiteral("Pricebook2"));
    {
        QList<QByteArray> cells = rowblob::decode(books->rows[0], books->def.slotCount);
        cells[books->slot(QStringLiteral("IsStandard"))] = "true";
        cells[books->slot(QStringLiteral("IsActive"))] = "true";
        books->rows[0] = rowblob::encode(cells);
    }
    // Some field history, as an org that tracks Account fields would have.
    Table *accounts = table(QStringLiteral("Account"));
    Table *history = table(QStringLiteral("AccountHistory"));
    for (int row = 0; row < int(accounts->rows.size()); row += 10) {
        QList<QByteArray> cells(history->def.slotCount);
        cells[history->idSlot] = makeId(history->def.keyPrefix, history->nextIdNumber++);
        cells[history->isDeletedSlot] = "false";
        cells[history->slot(QStringLiteral("AccountId"))] = accounts->stored(row, accounts->idSlot).toByteArray();
        cells[history->createdByIdSlot] = accounts->stored(row, accounts->createdByIdSlot).toByteArray();
        cells[history->createdDateSlot] = accounts->stored(row, accounts->createdDateSlot).toByteArray();
        cells[history->slot(QStringLiteral("Field"))] = "Rating";
        cells[history->slot(QStringLiteral("DataType"))] = "Text";
        cells[history->slot(QStringLiteral("OldValue"))] = "Cold";
        cells[history->slot(QStringLiteral("NewValue"))] = accounts->stored(row, accounts->slot(QStringLiteral("Rating"))).toByteArray();
        history->rows.push_back(rowblob::encode(cells));
    }
    for (const auto &t : m_tables) {
        t->byId.reserve(qsizetype(t->rows.size()));
        for (int row = 0; row < int(t->rows.size()); ++row)
            indexRow(*t, row, true);
    }
    m_lastModstampMs = g.baseMs + g.sequence * g.stepMs;
}

} // namespace tether::sim
