#include "schema.h"

#include "jsonwriter.h"
#include "org.h"

#include <QLocale>

namespace tether::sim {

const char *fieldTypeName(FieldType type)
{
    switch (type) {
    case FieldType::Id: return "id";
    case FieldType::String: return "string";
    case FieldType::TextArea: return "textarea";
    case FieldType::Boolean: return "boolean";
    case FieldType::Int: return "int";
    case FieldType::Long: return "long";
    case FieldType::Double: return "double";
    case FieldType::Currency: return "currency";
    case FieldType::Percent: return "percent";
    case FieldType::Date: return "date";
    case FieldType::DateTime: return "datetime";
    case FieldType::Time: return "time";
    case FieldType::Picklist: return "picklist";
    case FieldType::MultiPicklist: return "multipicklist";
    case FieldType::Combobox: return "combobox";
    case FieldType::Reference: return "reference";
    case FieldType::Email: return "email";
    case FieldType::Phone: return "phone";
    case FieldType::Url: return "url";
    case FieldType::EncryptedString: return "encryptedstring";
    case FieldType::Base64: return "base64";
    case FieldType::Address: return "address";
    case FieldType::Location: return "location";
    case FieldType::AnyType: return "anyType";
    case FieldType::ComplexValue: return "complexvalue";
    case FieldType::Json: return "json";
    case FieldType::DataCategoryGroupReference: return "datacategorygroupreference";
    }
    return "string";
}

const char *soapTypeName(FieldType type)
{
    switch (type) {
    case FieldType::Id:
    case FieldType::Reference: return "tns:ID";
    case FieldType::Boolean: return "xsd:boolean";
    case FieldType::Int: return "xsd:int";
    case FieldType::Long: return "xsd:long";
    case FieldType::Double:
    case FieldType::Currency:
    case FieldType::Percent: return "xsd:double";
    case FieldType::Date: return "xsd:date";
    case FieldType::DateTime: return "xsd:dateTime";
    case FieldType::Time: return "xsd:time";
    case FieldType::Base64: return "xsd:base64Binary";
    case FieldType::Address: return "urn:address";
    case FieldType::Location: return "urn:location";
    case FieldType::AnyType: return "xsd:anyType";
    case FieldType::ComplexValue: return "urn:JsonNode";
    case FieldType::Json: return "urn:JsonNode";
    default: return "xsd:string";
    }
}

bool isNumeric(FieldType type)
{
    return type == FieldType::Int || type == FieldType::Long || type == FieldType::Double
           || type == FieldType::Currency || type == FieldType::Percent;
}

bool isTextual(FieldType type)
{
    switch (type) {
    case FieldType::String: case FieldType::TextArea: case FieldType::Picklist:
    case FieldType::MultiPicklist: case FieldType::Combobox: case FieldType::Email:
    case FieldType::Phone: case FieldType::Url: case FieldType::EncryptedString:
    case FieldType::AnyType: case FieldType::DataCategoryGroupReference:
        return true;
    default:
        return false;
    }
}

void ObjectDef::addField(FieldDef field)
{
    if (!field.compute && !field.compound())
        field.slot = slotCount++;
    if (!field.relationshipName.isEmpty())
        byRelationship.insert(field.relationshipName.toLower(), int(fields.size()));
    byName.insert(field.name.toLower(), int(fields.size()));
    fields.append(std::move(field));
}

namespace {

// Small builder so the catalogue below reads like a describe.
struct F
{
    FieldDef f;
    F(const char *name, const char *label, FieldType type)
    {
        f.name = QString::fromLatin1(name);
        f.label = QString::fromLatin1(label);
        f.type = type;
        f.custom = f.name.endsWith(QLatin1String("__c"));
        switch (type) {
        case FieldType::Id: f.length = 18; break;
        case FieldType::Reference: f.length = 18; break;
        case FieldType::Boolean: f.nillable = false; f.defaultedOnCreate = true; f.defaultValue = QStringLiteral("false"); break;
        case FieldType::Int: f.digits = 9; break;
        case FieldType::Long: f.digits = 18; break;
        case FieldType::Phone: f.length = 40; break;
        case FieldType::Email: f.length = 80; break;
        case FieldType::Url: f.length = 255; break;
        case FieldType::Picklist: case FieldType::Combobox: f.length = 255; break;
        case FieldType::MultiPicklist: f.length = 4099; break;
        case FieldType::Base64: f.length = 32000000; break;
        default: break;
        }
    }
    F &len(int n) { f.length = n; return *this; }
    F &req() { f.nillable = false; return *this; }
    F &ro() { f.createable = false; f.updateable = false; return *this; }
    F &createOnly() { f.updateable = false; return *this; }
    F &num(int precision, int scale) { f.precision = precision; f.scale = scale; return *this; }
    F &pick(QStringList values, bool restricted = false, const char *def = nullptr)
    {
        f.picklistValues = std::move(values);
        f.restrictedPicklist = restricted;
        if (def) {
            f.defaultValue = QString::fromLatin1(def);
            f.defaultedOnCreate = true;
        }
        return *this;
    }
    F &ref(QStringList to, const char *relationship)
    {
        f.referenceTo = std::move(to);
        f.relationshipName = QString::fromLatin1(relationship);
        return *this;
    }
    F &ext() { f.externalId = true; f.unique = true; f.idLookup = true; return *this; }
    F &name() { f.nameField = true; f.idLookup = true; return *this; }
    F &part(const char *compound) { f.compoundFieldName = QString::fromLatin1(compound); return *this; }
    F &autoNum(const char *format)
    {
        f.autoNumber = true;
        f.autoNumberFormat = QString::fromLatin1(format);
        f.nillable = false;
        f.defaultedOnCreate = true;
        f.createable = false;
        f.updateable = false;
        return *this;
    }
    F &calc(const char *formula, std::function<QByteArray(const Table &, int)> fn)
    {
        f.calculated = true;
        f.calculatedFormula = QString::fromLatin1(formula);
        f.createable = false;
        f.updateable = false;
        f.compute = std::move(fn);
        return *this;
    }
    F &derived(std::function<QByteArray(const Table &, int)> fn)
    {
        f.createable = false;
        f.updateable = false;
        f.compute = std::move(fn);
        return *this;
    }
    operator FieldDef() const { return f; }
};

double num(const Table &t, int row, const char *field)
{
    return t.stored(row, t.slot(QString::fromLatin1(field))).toByteArray().toDouble();
}

QByteArray formatNumber(double value, int scale)
{
    return QByteArray::number(value, 'f', scale);
}

// FirstName + LastName, as Salesforce builds Name for people.
std::function<QByteArray(const Table &, int)> personName()
{
    return [](const Table &t, int row) {
        const QByteArray first = t.storedText(row, QStringLiteral("FirstName"));
        const QByteArray last = t.storedText(row, QStringLiteral("LastName"));
        return first.isEmpty() ? last : first + ' ' + last;
    };
}

// A compound address as the JSON object Salesforce returns (stored as raw JSON text).
std::function<QByteArray(const Table &, int)> addressOf(QString prefix, bool withGeo)
{
    return [prefix, withGeo](const Table &t, int row) -> QByteArray {
        auto part = [&](const char *suffix) { return t.storedText(row, prefix + QLatin1String(suffix)); };
        const QByteArray street = part("Street"), city = part("City"), state = part("State"),
                         postal = part("PostalCode"), country = part("Country");
        const QByteArray lat = withGeo ? part("Latitude") : QByteArray();
        const QByteArray lon = withGeo ? part("Longitude") : QByteArray();
        if (street.isEmpty() && city.isEmpty() && state.isEmpty() && postal.isEmpty()
            && country.isEmpty() && lat.isEmpty() && lon.isEmpty())
            return {};
        QByteArray out = "{\"city\":";
        auto str = [&out](const QByteArray &v) {
            if (v.isEmpty())
                out += "null";
            else
                appendJsonString(out, QByteArrayView(v));
        };
        str(city);
        out += ",\"country\":";
        str(country);
        out += ",\"geocodeAccuracy\":null,\"latitude\":";
        out += lat.isEmpty() ? QByteArray("null") : lat;
        out += ",\"longitude\":";
        out += lon.isEmpty() ? QByteArray("null") : lon;
        out += ",\"postalCode\":";
        str(postal);
        out += ",\"state\":";
        str(state);
        out += ",\"street\":";
        str(street);
        out += '}';
        return out;
    };
}

void addAddress(ObjectDef &o, const char *prefix, const char *labelPrefix, bool withGeo)
{
    const QString p = QString::fromLatin1(prefix);
    const QString compound = p + QStringLiteral("Address");
    const QByteArray cp = compound.toLatin1();
    auto mk = [&](const char *suffix, const char *label, FieldType type, int length) {
        F field((p + QLatin1String(suffix)).toLatin1().constData(),
                (QString::fromLatin1(labelPrefix) + QLatin1String(label)).trimmed().toLatin1().constData(), type);
        field.len(length).part(cp.constData());
        return field;
    };
    o.addField(mk("Street", " Street", FieldType::TextArea, 255));
    o.addField(mk("City", " City", FieldType::String, 40));
    o.addField(mk("State", " State/Province", FieldType::String, 80));
    o.addField(mk("PostalCode", " Zip/Postal Code", FieldType::String, 20));
    o.addField(mk("Country", " Country", FieldType::String, 80));
    if (withGeo) {
        o.addField(mk("Latitude", " Latitude", FieldType::Double, 0).num(18, 15));
        o.addField(mk("Longitude", " Longitude", FieldType::Double, 0).num(18, 15));
    }
    F address(cp.constData(), (QString::fromLatin1(labelPrefix) + QLatin1String(" Address")).trimmed().toLatin1().constData(),
              FieldType::Address);
    address.ro();
    address.f.compute = addressOf(p, withGeo);
    o.addField(address);
}

ObjectDef object(const char *name, const char *label, const char *plural, const char *prefix, bool owned = true)
{
    ObjectDef o;
    o.name = QString::fromLatin1(name);
    o.label = QString::fromLatin1(label);
    o.labelPlural = QString::fromLatin1(plural);
    o.keyPrefix = prefix;
    o.custom = o.name.endsWith(QLatin1String("__c"));
    F id("Id", o.custom ? "Record ID" : (o.label + QStringLiteral(" ID")).toLatin1().constData(), FieldType::Id);
    id.ro().req();
    id.f.defaultedOnCreate = true;
    id.f.idLookup = true;
    o.addField(id);
    if (owned)
        o.addField(F("OwnerId", "Owner ID", FieldType::Reference).ref({QStringLiteral("User")}, "Owner").req().f);
    o.addField(F("IsDeleted", "Deleted", FieldType::Boolean).ro());
    return o;
}

void addSystemFields(ObjectDef &o)
{
    F created("CreatedDate", "Created Date", FieldType::DateTime);
    created.ro().req().f.defaultedOnCreate = true;
    o.addField(created);
    F createdBy("CreatedById", "Created By ID", FieldType::Reference);
    createdBy.ro().req().ref({QStringLiteral("User")}, "CreatedBy").f.defaultedOnCreate = true;
    o.addField(createdBy);
    F modified("LastModifiedDate", "Last Modified Date", FieldType::DateTime);
    modified.ro().req().f.defaultedOnCreate = true;
    o.addField(modified);
    F modifiedBy("LastModifiedById", "Last Modified By ID", FieldType::Reference);
    modifiedBy.ro().req().ref({QStringLiteral("User")}, "LastModifiedBy").f.defaultedOnCreate = true;
    o.addField(modifiedBy);
    F stamp("SystemModstamp", "System Modstamp", FieldType::DateTime);
    stamp.ro().req().f.defaultedOnCreate = true;
    o.addField(stamp);
}

const QStringList Industries = {
    QStringLiteral("Agriculture"), QStringLiteral("Banking"), QStringLiteral("Biotechnology"),
    QStringLiteral("Chemicals"), QStringLiteral("Communications"), QStringLiteral("Construction"),
    QStringLiteral("Consulting"), QStringLiteral("Education"), QStringLiteral("Electronics"),
    QStringLiteral("Energy"), QStringLiteral("Engineering"), QStringLiteral("Entertainment"),
    QStringLiteral("Finance"), QStringLiteral("Healthcare"), QStringLiteral("Insurance"),
    QStringLiteral("Manufacturing"), QStringLiteral("Media"), QStringLiteral("Retail"),
    QStringLiteral("Technology"), QStringLiteral("Transportation"), QStringLiteral("Other")};
const QStringList LeadSources = {QStringLiteral("Web"), QStringLiteral("Phone Inquiry"),
                                 QStringLiteral("Partner Referral"), QStringLiteral("Purchased List"),
                                 QStringLiteral("Other")};
const QStringList Stages = {
    QStringLiteral("Prospecting"), QStringLiteral("Qualification"), QStringLiteral("Needs Analysis"),
    QStringLiteral("Value Proposition"), QStringLiteral("Id. Decision Makers"),
    QStringLiteral("Perception Analysis"), QStringLiteral("Proposal/Price Quote"),
    QStringLiteral("Negotiation/Review"), QStringLiteral("Closed Won"), QStringLiteral("Closed Lost")};

bool isClosedStage(const QByteArray &stage) { return stage.startsWith("Closed"); }

} // namespace

QList<ObjectDef> buildCatalogue()
{
    QList<ObjectDef> all;
    const QStringList user{QStringLiteral("User")};

    { // Account
        ObjectDef o = object("Account", "Account", "Accounts", "001");
        o.addField(F("Name", "Account Name", FieldType::String).len(255).req().name());
        o.addField(F("Type", "Account Type", FieldType::Picklist).pick({QStringLiteral("Prospect"), QStringLiteral("Customer - Direct"), QStringLiteral("Customer - Channel"), QStringLiteral("Channel Partner / Reseller"), QStringLiteral("Installation Partner"), QStringLiteral("Technology Partner"), QStringLiteral("Other")}));
        o.addField(F("ParentId", "Parent Account ID", FieldType::Reference).ref({QStringLiteral("Account")}, "Parent"));
        addAddress(o, "Billing", "Billing", true);
        addAddress(o, "Shipping", "Shipping", false);
        o.addField(F("Phone", "Account Phone", FieldType::Phone));
        o.addField(F("Fax", "Account Fax", FieldType::Phone));
        o.addField(F("AccountNumber", "Account Number", FieldType::String).len(40));
        o.addField(F("Website", "Website", FieldType::Url));
        o.addField(F("Industry", "Industry", FieldType::Picklist).pick(Industries));
        o.addField(F("AnnualRevenue", "Annual Revenue", FieldType::Currency).num(18, 0));
        o.addField(F("NumberOfEmployees", "Employees", FieldType::Int).num(8, 0));
        o.addField(F("Rating", "Account Rating", FieldType::Picklist).pick({QStringLiteral("Hot"), QStringLiteral("Warm"), QStringLiteral("Cold")}));
        o.addField(F("Description", "Account Description", FieldType::TextArea).len(32000));
        o.addField(F("ERP_Id__c", "ERP Id", FieldType::String).len(20).ext());
        o.addField(F("Tier__c", "Tier", FieldType::Picklist).pick({QStringLiteral("Gold"), QStringLiteral("Silver"), QStringLiteral("Bronze")}, true));
        o.addField(F("Customer_Since__c", "Customer Since", FieldType::Date));
        addSystemFields(o);
        all.append(o);
    }
    { // Contact
        ObjectDef o = object("Contact", "Contact", "Contacts", "003");
        o.addField(F("AccountId", "Account ID", FieldType::Reference).ref({QStringLiteral("Account")}, "Account"));
        o.addField(F("Salutation", "Salutation", FieldType::Picklist).pick({QStringLiteral("Mr."), QStringLiteral("Ms."), QStringLiteral("Mrs."), QStringLiteral("Dr."), QStringLiteral("Prof.")}).part("Name"));
        o.addField(F("FirstName", "First Name", FieldType::String).len(40).part("Name"));
        o.addField(F("LastName", "Last Name", FieldType::String).len(80).req().part("Name"));
        o.addField(F("Name", "Full Name", FieldType::String).len(121).name().derived(personName()));
        addAddress(o, "Mailing", "Mailing", false);
        o.addField(F("Phone", "Business Phone", FieldType::Phone));
        o.addField(F("MobilePhone", "Mobile Phone", FieldType::Phone));
        o.addField(F("Email", "Email", FieldType::Email));
        o.addField(F("Title", "Title", FieldType::String).len(128));
        o.addField(F("Department", "Department", FieldType::String).len(80));
        o.addField(F("Birthdate", "Birthdate", FieldType::Date));
        o.addField(F("LeadSource", "Lead Source", FieldType::Picklist).pick(LeadSources));
        o.addField(F("DoNotCall", "Do Not Call", FieldType::Boolean));
        o.addField(F("HasOptedOutOfEmail", "Email Opt Out", FieldType::Boolean));
        o.addField(F("Description", "Contact Description", FieldType::TextArea).len(32000));
        addSystemFields(o);
        all.append(o);
    }
    { // Lead
        ObjectDef o = object("Lead", "Lead", "Leads", "00Q");
        o.addField(F("FirstName", "First Name", FieldType::String).len(40).part("Name"));
        o.addField(F("LastName", "Last Name", FieldType::String).len(80).req().part("Name"));
        o.addField(F("Name", "Full Name", FieldType::String).len(121).name().derived(personName()));
        o.addField(F("Company", "Company", FieldType::String).len(255).req());
        o.addField(F("Title", "Title", FieldType::String).len(128));
        o.addField(F("Email", "Email", FieldType::Email));
        o.addField(F("Phone", "Phone", FieldType::Phone));
        addAddress(o, "", "", true);
        o.addField(F("Status", "Status", FieldType::Picklist).req().pick({QStringLiteral("Open - Not Contacted"), QStringLiteral("Working - Contacted"), QStringLiteral("Closed - Converted"), QStringLiteral("Closed - Not Converted")}, true, "Open - Not Contacted"));
        o.addField(F("Industry", "Industry", FieldType::Picklist).pick(Industries));
        o.addField(F("Rating", "Rating", FieldType::Picklist).pick({QStringLiteral("Hot"), QStringLiteral("Warm"), QStringLiteral("Cold")}));
        o.addField(F("AnnualRevenue", "Annual Revenue", FieldType::Currency).num(18, 0));
        o.addField(F("NumberOfEmployees", "Employees", FieldType::Int).num(8, 0));
        o.addField(F("LeadSource", "Lead Source", FieldType::Picklist).pick(LeadSources));
        o.addField(F("IsConverted", "Converted", FieldType::Boolean).ro());
        addSystemFields(o);
        all.append(o);
    }
    { // Campaign
        ObjectDef o = object("Campaign", "Campaign", "Campaigns", "701");
        o.addField(F("Name", "Name", FieldType::String).len(80).req().name());
        o.addField(F("ParentId", "Parent Campaign ID", FieldType::Reference).ref({QStringLiteral("Campaign")}, "Parent"));
        o.addField(F("Type", "Type", FieldType::Picklist).pick({QStringLiteral("Conference"), QStringLiteral("Webinar"), QStringLiteral("Trade Show"), QStringLiteral("Email"), QStringLiteral("Advertisement"), QStringLiteral("Other")}));
        o.addField(F("Status", "Status", FieldType::Picklist).pick({QStringLiteral("Planned"), QStringLiteral("In Progress"), QStringLiteral("Completed"), QStringLiteral("Aborted")}));
        o.addField(F("StartDate", "Start Date", FieldType::Date));
        o.addField(F("EndDate", "End Date", FieldType::Date));
        o.addField(F("BudgetedCost", "Budgeted Cost in Campaign", FieldType::Currency).num(18, 0));
        o.addField(F("ActualCost", "Actual Cost in Campaign", FieldType::Currency).num(18, 0));
        o.addField(F("ExpectedResponse", "Expected Response (%)", FieldType::Percent).num(8, 2));
        o.addField(F("NumberSent", "Num Sent in Campaign", FieldType::Double).num(18, 0));
        o.addField(F("IsActive", "Active", FieldType::Boolean));
        o.addField(F("Description", "Description", FieldType::TextArea).len(32000));
        addSystemFields(o);
        all.append(o);
    }
    { // Pricebook2
        ObjectDef o = object("Pricebook2", "Price Book", "Price Books", "01s", false);
        o.addField(F("Name", "Price Book Name", FieldType::String).len(255).req().name());
        o.addField(F("IsActive", "Active", FieldType::Boolean));
        o.addField(F("IsStandard", "Is Standard Price Book", FieldType::Boolean).ro());
        o.addField(F("Description", "Description", FieldType::String).len(255));
        addSystemFields(o);
        all.append(o);
    }
    { // Product2
        ObjectDef o = object("Product2", "Product", "Products", "01t", false);
        o.addField(F("Name", "Product Name", FieldType::String).len(255).req().name());
        o.addField(F("ProductCode", "Product Code", FieldType::String).len(255));
        o.addField(F("Description", "Product Description", FieldType::TextArea).len(4000));
        o.addField(F("IsActive", "Active", FieldType::Boolean));
        o.addField(F("Family", "Product Family", FieldType::Picklist).pick({QStringLiteral("Hardware"), QStringLiteral("Software"), QStringLiteral("Services"), QStringLiteral("Support")}));
        o.addField(F("QuantityUnitOfMeasure", "Quantity Unit Of Measure", FieldType::Picklist).pick({QStringLiteral("Each"), QStringLiteral("Hour"), QStringLiteral("Month")}));
        o.addField(F("StockKeepingUnit", "Product SKU", FieldType::String).len(180).ext());
        o.addField(F("DisplayUrl", "Display URL", FieldType::Url).len(1000));
        addSystemFields(o);
        all.append(o);
    }
    { // PricebookEntry
        ObjectDef o = object("PricebookEntry", "Price Book Entry", "Price Book Entries", "01u", false);
        o.addField(F("Name", "Product Name", FieldType::String).len(255).name());
        o.addField(F("Pricebook2Id", "Price Book ID", FieldType::Reference).ref({QStringLiteral("Pricebook2")}, "Pricebook2").req().createOnly());
        o.addField(F("Product2Id", "Product ID", FieldType::Reference).ref({QStringLiteral("Product2")}, "Product2").req().createOnly());
        o.addField(F("UnitPrice", "List Price", FieldType::Currency).num(18, 2).req());
        o.addField(F("IsActive", "Active", FieldType::Boolean));
        o.addField(F("UseStandardPrice", "Use Standard Price", FieldType::Boolean));
        o.addField(F("ProductCode", "Product Code", FieldType::String).len(255));
        addSystemFields(o);
        all.append(o);
    }
    { // Opportunity
        ObjectDef o = object("Opportunity", "Opportunity", "Opportunities", "006");
        o.addField(F("Name", "Name", FieldType::String).len(120).req().name());
        o.addField(F("AccountId", "Account ID", FieldType::Reference).ref({QStringLiteral("Account")}, "Account"));
        o.addField(F("Amount", "Amount", FieldType::Currency).num(18, 2));
        o.addField(F("CloseDate", "Close Date", FieldType::Date).req());
        o.addField(F("StageName", "Stage", FieldType::Picklist).req().pick(Stages, true));
        o.addField(F("Probability", "Probability (%)", FieldType::Percent).num(3, 0));
        o.addField(F("ExpectedRevenue", "Expected Amount", FieldType::Currency).num(18, 2).calc(
            "Amount * Probability / 100", [](const Table &t, int row) -> QByteArray {
                const QByteArray amount = t.storedText(row, QStringLiteral("Amount"));
                const QByteArray probability = t.storedText(row, QStringLiteral("Probability"));
                if (amount.isEmpty() || probability.isEmpty())
                    return {};
                return formatNumber(amount.toDouble() * probability.toDouble() / 100.0, 2);
            }));
        o.addField(F("Type", "Opportunity Type", FieldType::Picklist).pick({QStringLiteral("New Customer"), QStringLiteral("Existing Customer - Upgrade"), QStringLiteral("Existing Customer - Replacement"), QStringLiteral("Existing Customer - Downgrade")}));
        o.addField(F("NextStep", "Next Step", FieldType::String).len(255));
        o.addField(F("LeadSource", "Lead Source", FieldType::Picklist).pick(LeadSources));
        o.addField(F("IsClosed", "Closed", FieldType::Boolean).calc(
            "ISPICKVAL(StageName, 'Closed Won') || ISPICKVAL(StageName, 'Closed Lost')",
            [](const Table &t, int row) -> QByteArray {
                return isClosedStage(t.storedText(row, QStringLiteral("StageName"))) ? "true" : "false";
            }));
        o.addField(F("IsWon", "Won", FieldType::Boolean).calc(
            "ISPICKVAL(StageName, 'Closed Won')", [](const Table &t, int row) -> QByteArray {
                return t.storedText(row, QStringLiteral("StageName")) == "Closed Won" ? "true" : "false";
            }));
        o.addField(F("CampaignId", "Campaign ID", FieldType::Reference).ref({QStringLiteral("Campaign")}, "Campaign"));
        o.addField(F("Pricebook2Id", "Price Book ID", FieldType::Reference).ref({QStringLiteral("Pricebook2")}, "Pricebook2"));
        o.addField(F("Description", "Description", FieldType::TextArea).len(32000));
        addSystemFields(o);
        all.append(o);
    }
    { // Case
        ObjectDef o = object("Case", "Case", "Cases", "500");
        o.addField(F("CaseNumber", "Case Number", FieldType::String).len(30).name().autoNum("{00000000}"));
        o.addField(F("AccountId", "Account ID", FieldType::Reference).ref({QStringLiteral("Account")}, "Account"));
        o.addField(F("ContactId", "Contact ID", FieldType::Reference).ref({QStringLiteral("Contact")}, "Contact"));
        o.addField(F("Subject", "Subject", FieldType::String).len(255));
        o.addField(F("Description", "Description", FieldType::TextArea).len(32000));
        o.addField(F("Status", "Status", FieldType::Picklist).pick({QStringLiteral("New"), QStringLiteral("Working"), QStringLiteral("Escalated"), QStringLiteral("Closed")}, false, "New"));
        o.addField(F("Priority", "Priority", FieldType::Picklist).pick({QStringLiteral("High"), QStringLiteral("Medium"), QStringLiteral("Low")}, false, "Medium"));
        o.addField(F("Origin", "Case Origin", FieldType::Picklist).pick({QStringLiteral("Phone"), QStringLiteral("Email"), QStringLiteral("Web")}));
        o.addField(F("Reason", "Case Reason", FieldType::Picklist).pick({QStringLiteral("Installation"), QStringLiteral("Equipment Complexity"), QStringLiteral("Performance"), QStringLiteral("Breakdown"), QStringLiteral("Feedback"), QStringLiteral("Other")}));
        o.addField(F("SuppliedEmail", "Web Email", FieldType::Email));
        o.addField(F("IsClosed", "Closed", FieldType::Boolean).calc(
            "ISPICKVAL(Status, 'Closed')", [](const Table &t, int row) -> QByteArray {
                return t.storedText(row, QStringLiteral("Status")) == "Closed" ? "true" : "false";
            }));
        o.addField(F("ClosedDate", "Closed Date", FieldType::DateTime).ro());
        addSystemFields(o);
        all.append(o);
    }
    { // Task
        ObjectDef o = object("Task", "Task", "Tasks", "00T");
        o.addField(F("Subject", "Subject", FieldType::Combobox).pick({QStringLiteral("Call"), QStringLiteral("Send Letter"), QStringLiteral("Send Quote"), QStringLiteral("Other")}));
        o.addField(F("WhoId", "Name ID", FieldType::Reference).ref({QStringLiteral("Contact"), QStringLiteral("Lead")}, "Who"));
        o.addField(F("WhatId", "Related To ID", FieldType::Reference).ref({QStringLiteral("Account"), QStringLiteral("Opportunity"), QStringLiteral("Case"), QStringLiteral("Campaign"), QStringLiteral("Invoice__c")}, "What"));
        o.addField(F("ActivityDate", "Due Date Only", FieldType::Date));
        o.addField(F("Status", "Status", FieldType::Picklist).req().pick({QStringLiteral("Not Started"), QStringLiteral("In Progress"), QStringLiteral("Completed"), QStringLiteral("Waiting on someone else"), QStringLiteral("Deferred")}, false, "Not Started"));
        o.addField(F("Priority", "Priority", FieldType::Picklist).req().pick({QStringLiteral("High"), QStringLiteral("Normal"), QStringLiteral("Low")}, false, "Normal"));
        o.addField(F("Description", "Description", FieldType::TextArea).len(32000));
        o.addField(F("CallDurationInSeconds", "Call Duration", FieldType::Int).num(9, 0));
        o.addField(F("IsReminderSet", "Reminder Set", FieldType::Boolean));
        o.addField(F("ReminderDateTime", "Reminder Date/Time", FieldType::DateTime));
        o.addField(F("IsClosed", "Closed", FieldType::Boolean).calc(
            "ISPICKVAL(Status, 'Completed')", [](const Table &t, int row) -> QByteArray {
                return t.storedText(row, QStringLiteral("Status")) == "Completed" ? "true" : "false";
            }));
        addSystemFields(o);
        all.append(o);
    }
    { // User
        ObjectDef o = object("User", "User", "Users", "005", false);
        o.addField(F("Username", "Username", FieldType::String).len(80).req().ext());
        o.addField(F("FirstName", "First Name", FieldType::String).len(40).part("Name"));
        o.addField(F("LastName", "Last Name", FieldType::String).len(80).req().part("Name"));
        o.addField(F("Name", "Full Name", FieldType::String).len(121).name().derived(personName()));
        o.addField(F("Alias", "Alias", FieldType::String).len(8).req());
        o.addField(F("Email", "Email", FieldType::Email).len(128).req());
        o.addField(F("IsActive", "Active", FieldType::Boolean));
        o.addField(F("Title", "Title", FieldType::String).len(80));
        o.addField(F("Department", "Department", FieldType::String).len(80));
        o.addField(F("CompanyName", "Company Name", FieldType::String).len(80));
        o.addField(F("ManagerId", "Manager ID", FieldType::Reference).ref(user, "Manager"));
        o.addField(F("TimeZoneSidKey", "Time Zone", FieldType::Picklist).req().pick({QStringLiteral("America/Los_Angeles"), QStringLiteral("America/New_York"), QStringLiteral("Europe/London"), QStringLiteral("Europe/Paris"), QStringLiteral("Asia/Tokyo")}, true, "America/Los_Angeles"));
        o.addField(F("LanguageLocaleKey", "Language", FieldType::Picklist).req().pick({QStringLiteral("en_US"), QStringLiteral("de"), QStringLiteral("fr"), QStringLiteral("ja")}, true, "en_US"));
        o.addField(F("LastLoginDate", "Last Login", FieldType::DateTime).ro());
        addSystemFields(o);
        all.append(o);
    }
    { // Invoice__c: master-detail-like child of Account, with formulas and auto-number
        ObjectDef o = object("Invoice__c", "Invoice", "Invoices", "a0X", false);
        o.addField(F("Name", "Invoice Number", FieldType::String).len(80).name().autoNum("INV-{000000}"));
        o.addField(F("Account__c", "Account", FieldType::Reference).ref({QStringLiteral("Account")}, "Account__r").req().createOnly());
        o.addField(F("Amount__c", "Amount", FieldType::Currency).num(16, 2).req());
        o.addField(F("Tax_Rate__c", "Tax Rate", FieldType::Percent).num(5, 2));
        o.addField(F("Total__c", "Total", FieldType::Currency).num(18, 2).calc(
            "Amount__c * (1 + Tax_Rate__c)", [](const Table &t, int row) -> QByteArray {
                const QByteArray amount = t.storedText(row, QStringLiteral("Amount__c"));
                if (amount.isEmpty())
                    return {};
                return formatNumber(amount.toDouble() * (1.0 + num(t, row, "Tax_Rate__c") / 100.0), 2);
            }));
        o.addField(F("Status__c", "Status", FieldType::Picklist).pick({QStringLiteral("Draft"), QStringLiteral("Sent"), QStringLiteral("Paid"), QStringLiteral("Void")}, true, "Draft"));
        o.addField(F("Invoice_Date__c", "Invoice Date", FieldType::Date));
        o.addField(F("Due_Date__c", "Due Date", FieldType::Date));
        o.addField(F("Paid_At__c", "Paid At", FieldType::DateTime));
        o.addField(F("Is_Overdue__c", "Overdue", FieldType::Boolean).calc(
            "AND(NOT(ISPICKVAL(Status__c, 'Paid')), Due_Date__c < TODAY())",
            [](const Table &t, int row) -> QByteArray {
                const QByteArray due = t.storedText(row, QStringLiteral("Due_Date__c"));
                if (due.isEmpty() || t.storedText(row, QStringLiteral("Status__c")) == "Paid")
                    return "false";
                return due < formatDateTime(nowMs()).left(10) ? "true" : "false";
            }));
        o.addField(F("Line_Count__c", "Line Count", FieldType::Double).num(4, 0));
        o.addField(F("External_Ref__c", "External Reference", FieldType::String).len(40).ext());
        o.addField(F("Billing_Email__c", "Billing Email", FieldType::Email));
        o.addField(F("Notes__c", "Notes", FieldType::TextArea).len(32768));
        addSystemFields(o);
        all.append(o);
    }
    { // Shipment__c: the remaining field types
        ObjectDef o = object("Shipment__c", "Shipment", "Shipments", "a0Y");
        o.addField(F("Name", "Shipment Name", FieldType::String).len(80).req().name());
        o.addField(F("Invoice__c", "Invoice", FieldType::Reference).ref({QStringLiteral("Invoice__c")}, "Invoice__r"));
        o.addField(F("Carrier__c", "Carrier", FieldType::Picklist).pick({QStringLiteral("UPS"), QStringLiteral("FedEx"), QStringLiteral("DHL"), QStringLiteral("USPS")}));
        o.addField(F("Services__c", "Services", FieldType::MultiPicklist).pick({QStringLiteral("Express"), QStringLiteral("Insured"), QStringLiteral("Signature Required"), QStringLiteral("Saturday Delivery"), QStringLiteral("Fragile")}));
        o.addField(F("Packaging__c", "Packaging", FieldType::Combobox).pick({QStringLiteral("Box"), QStringLiteral("Envelope"), QStringLiteral("Pallet")}));
        o.addField(F("Weight_Kg__c", "Weight (kg)", FieldType::Double).num(8, 3));
        o.addField(F("Insured_Value__c", "Insured Value", FieldType::Currency).num(16, 2));
        o.addField(F("Sequence__c", "Sequence", FieldType::Long).num(18, 0));
        o.addField(F("Shipped_At__c", "Shipped At", FieldType::DateTime));
        o.addField(F("Delivery_Window_Start__c", "Delivery Window Start", FieldType::Time));
        o.addField(F("Destination__Latitude__s", "Destination (Latitude)", FieldType::Double).num(10, 7).part("Destination__c"));
        o.addField(F("Destination__Longitude__s", "Destination (Longitude)", FieldType::Double).num(10, 7).part("Destination__c"));
        F location("Destination__c", "Destination", FieldType::Location);
        location.ro().f.compute = [](const Table &t, int row) -> QByteArray {
            const QByteArray lat = t.storedText(row, QStringLiteral("Destination__Latitude__s"));
            const QByteArray lon = t.storedText(row, QStringLiteral("Destination__Longitude__s"));
            if (lat.isEmpty() && lon.isEmpty())
                return {};
            return "{\"latitude\":" + (lat.isEmpty() ? QByteArray("null") : lat) + ",\"longitude\":"
                   + (lon.isEmpty() ? QByteArray("null") : lon) + '}';
        };
        o.addField(location);
        o.addField(F("Tracking_Url__c", "Tracking URL", FieldType::Url));
        o.addField(F("Contact_Phone__c", "Contact Phone", FieldType::Phone));
        o.addField(F("Customs_Code__c", "Customs Code", FieldType::EncryptedString).len(175));
        o.addField(F("Label_Image__c", "Label Image", FieldType::Base64));
        o.addField(F("Handling_Instructions__c", "Handling Instructions", FieldType::TextArea).len(255));
        o.addField(F("Last_Scan__c", "Last Scan", FieldType::AnyType).len(255));
        o.addField(F("Carrier_Payload__c", "Carrier Payload", FieldType::Json).len(131072));
        o.addField(F("Customs_Details__c", "Customs Details", FieldType::ComplexValue).len(131072).ro());
        o.addField(F("Data_Category__c", "Data Category", FieldType::DataCategoryGroupReference).len(80));
        addSystemFields(o);
        all.append(o);
    }
    { // AccountHistory: field history, written by the org on Account updates.
      // Like every *History object it has CreatedDate but no SystemModstamp.
        ObjectDef o = object("AccountHistory", "Account History", "Account History", "017", false);
        o.readOnly = true;
        o.addField(F("AccountId", "Account ID", FieldType::Reference).ref({QStringLiteral("Account")}, "Account").ro().req());
        F createdBy("CreatedById", "Created By ID", FieldType::Reference);
        createdBy.ro().req().ref({QStringLiteral("User")}, "CreatedBy");
        o.addField(createdBy);
        o.addField(F("CreatedDate", "Created Date", FieldType::DateTime).ro().req());
        o.addField(F("Field", "Changed Field", FieldType::Picklist).ro().req().pick({QStringLiteral("Name"), QStringLiteral("Type"), QStringLiteral("Industry"), QStringLiteral("Rating"), QStringLiteral("Phone"), QStringLiteral("AnnualRevenue"), QStringLiteral("Owner")}, true));
        o.addField(F("DataType", "Data Type", FieldType::Picklist).ro().pick({QStringLiteral("Text"), QStringLiteral("Currency"), QStringLiteral("EntityId")}));
        o.addField(F("OldValue", "Old Value", FieldType::AnyType).ro().len(255));
        o.addField(F("NewValue", "New Value", FieldType::AnyType).ro().len(255));
        all.append(o);
    }
    { // Organization: the org itself, one record whose Id is the org's Id from
      // the identity URL. Clients read its Name; it is changed in Setup, not through the API.
        ObjectDef o = object("Organization", "Organization", "Organizations", "00D", false);
        o.readOnly = true;
        o.addField(F("Name", "Name", FieldType::String).len(80).ro().req().name());
        o.addField(F("OrganizationType", "Edition", FieldType::Picklist).ro().pick({QStringLiteral("Developer Edition"), QStringLiteral("Enterprise Edition"), QStringLiteral("Unlimited Edition")}, true));
        o.addField(F("InstanceName", "Instance Name", FieldType::String).len(5).ro());
        o.addField(F("IsSandbox", "Is Sandbox", FieldType::Boolean).ro());
        addSystemFields(o);
        all.append(o);
    }
    for (ObjectDef &o : all)
        o.schemaChangedMs = nowMs();
    return all;
}

namespace {
void kv(QByteArray &out, const char *key, bool value)
{
    out += '"';
    out += key;
    out += value ? "\":true," : "\":false,";
}
void kv(QByteArray &out, const char *key, int value)
{
    out += '"';
    out += key;
    out += "\":";
    out += QByteArray::number(value);
    out += ',';
}
void kv(QByteArray &out, const char *key, const QString &value, bool nullWhenEmpty = true)
{
    out += '"';
    out += key;
    out += "\":";
    if (value.isEmpty() && nullWhenEmpty)
        out += "null";
    else
        appendJsonString(out, value);
    out += ',';
}

QByteArray objectFlags(const ObjectDef &o, const QByteArray &version)
{
    QByteArray out;
    const QByteArray base = "/services/data/v" + version + "/sobjects/" + o.name.toUtf8();
    kv(out, "activateable", false);
    kv(out, "createable", !o.readOnly);
    kv(out, "custom", o.custom);
    kv(out, "customSetting", false);
    kv(out, "deletable", !o.readOnly);
    kv(out, "deprecatedAndHidden", false);
    kv(out, "feedEnabled", !o.custom);
    kv(out, "keyPrefix", QString::fromLatin1(o.keyPrefix));
    kv(out, "label", o.label);
    kv(out, "labelPlural", o.labelPlural);
    kv(out, "layoutable", true);
    kv(out, "mergeable", o.name == QLatin1String("Account") || o.name == QLatin1String("Contact") || o.name == QLatin1String("Lead"));
    kv(out, "mruEnabled", true);
    kv(out, "name", o.name);
    kv(out, "queryable", true);
    kv(out, "replicateable", true);
    kv(out, "retrieveable", true);
    kv(out, "searchable", true);
    kv(out, "triggerable", !o.readOnly);
    kv(out, "undeletable", !o.readOnly);
    kv(out, "updateable", !o.readOnly);
    out += "\"urls\":{\"compactLayouts\":\"" + base + "/describe/compactLayouts\",\"rowTemplate\":\"" + base
           + "/{ID}\",\"describe\":\"" + base + "/describe\",\"sobject\":\"" + base + "\"}";
    return out;
}
} // namespace

QByteArray globalDescribeEntryJson(const ObjectDef &object, const QByteArray &version)
{
    return '{' + objectFlags(object, version) + '}';
}

QByteArray describeJson(const ObjectDef &o, const QByteArray &version)
{
    QByteArray out = "{\"actionOverrides\":[],\"childRelationships\":[],";
    out += objectFlags(o, version);
    out += ",\"fields\":[";
    bool first = true;
    for (const FieldDef &f : o.fields) {
        if (f.removed)
            continue;
        if (!first)
            out += ',';
        first = false;
        out += '{';
        kv(out, "aggregatable", !f.compound() && f.type != FieldType::TextArea);
        kv(out, "autoNumber", f.autoNumber);
        const bool textish = isTextual(f.type) || f.type == FieldType::Id || f.type == FieldType::Reference
                             || f.type == FieldType::Base64 || f.type == FieldType::Json;
        kv(out, "byteLength", textish ? f.length * 3 : 0);
        kv(out, "calculated", f.calculated);
        kv(out, "calculatedFormula", f.calculatedFormula);
        kv(out, "caseSensitive", false);
        kv(out, "compoundFieldName", f.compoundFieldName);
        kv(out, "createable", f.createable);
        kv(out, "custom", f.custom);
        out += "\"defaultValue\":";
        if (f.type == FieldType::Boolean && f.slot >= 0)
            out += f.defaultValue == QLatin1String("true") ? "true" : "false";
        else
            out += "null";
        out += ',';
        kv(out, "defaultedOnCreate", f.defaultedOnCreate);
        kv(out, "dependentPicklist", false);
        kv(out, "deprecatedAndHidden", false);
        kv(out, "digits", f.digits);
        kv(out, "externalId", f.externalId);
        kv(out, "filterable", !f.compound() && f.type != FieldType::TextArea && f.type != FieldType::Base64);
        kv(out, "groupable", isTextual(f.type) || f.type == FieldType::Boolean || f.type == FieldType::Reference);
        kv(out, "htmlFormatted", false);
        kv(out, "idLookup", f.idLookup);
        kv(out, "label", f.label);
        kv(out, "length", isNumeric(f.type) || f.type == FieldType::Boolean || f.type == FieldType::Date
                                  || f.type == FieldType::DateTime || f.type == FieldType::Time
                                  || f.compound()
                              ? 0
                              : f.length);
        kv(out, "name", f.name);
        kv(out, "nameField", f.nameField);
        kv(out, "nillable", f.nillable);
        out += "\"picklistValues\":[";
        for (int i = 0; i < f.picklistValues.size(); ++i) {
            if (i)
                out += ',';
            out += "{\"active\":true,\"defaultValue\":";
            out += f.picklistValues[i] == f.defaultValue ? "true" : "false";
            out += ",\"label\":";
            appendJsonString(out, f.picklistValues[i]);
            out += ",\"validFor\":null,\"value\":";
            appendJsonString(out, f.picklistValues[i]);
            out += '}';
        }
        out += "],";
        kv(out, "polymorphicForeignKey", f.referenceTo.size() > 1);
        kv(out, "precision", f.precision);
        out += "\"referenceTo\":[";
        for (int i = 0; i < f.referenceTo.size(); ++i) {
            if (i)
                out += ',';
            appendJsonString(out, f.referenceTo[i]);
        }
        out += "],";
        kv(out, "relationshipName", f.relationshipName);
        kv(out, "restrictedPicklist", f.restrictedPicklist);
        kv(out, "scale", f.scale);
        kv(out, "soapType", QString::fromLatin1(soapTypeName(f.type)));
        kv(out, "sortable", !f.compound() && f.type != FieldType::TextArea && f.type != FieldType::MultiPicklist);
        kv(out, "type", QString::fromLatin1(fieldTypeName(f.type)));
        kv(out, "unique", f.unique);
        kv(out, "updateable", f.updateable);
        out += "\"writeRequiresMasterRead\":false}";
    }
    out += "],\"recordTypeInfos\":[],\"supportedScopes\":[{\"label\":\"All ";
    out += o.labelPlural.toLower().toUtf8();
    out += "\",\"name\":\"everything\"}]}";
    return out;
}

} // namespace tether::sim
