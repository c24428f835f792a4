// Salesforce record Ids: 15-character case-sensitive form and the 18-character
// form with the case-checksum suffix, computed exactly as Salesforce does.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace tether::sim {

// The 3-character checksum that turns a 15-character Id into the 18-character one.
QByteArray idChecksum(QByteArrayView id15);

// Builds an 18-character Id: key prefix (3) + pod "5g" + "0" + number in base 62 (9).
QByteArray makeId(QByteArrayView keyPrefix, quint64 number);

// Validates a 15- or 18-character Id and returns its 18-character form, or an
// empty array when it is not a well-formed Id (bad length, characters or checksum).
QByteArray normalizeId(QByteArrayView id);

} // namespace tether::sim
