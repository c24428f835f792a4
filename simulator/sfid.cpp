#include "sfid.h"

namespace tether::sim {

namespace {
constexpr char Base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr char ChecksumAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

bool isIdChar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
} // namespace

QByteArray idChecksum(QByteArrayView id15)
{
    QByteArray suffix(3, Qt::Uninitialized);
    for (int chunk = 0; chunk < 3; ++chunk) {
        int bits = 0;
        for (int i = 0; i < 5; ++i) {
            const char c = id15[chunk * 5 + i];
            if (c >= 'A' && c <= 'Z')
                bits |= 1 << i;
        }
        suffix[chunk] = ChecksumAlphabet[bits];
    }
    return suffix;
}

QByteArray makeId(QByteArrayView keyPrefix, quint64 number)
{
    QByteArray id;
    id.reserve(18);
    id.append(keyPrefix.data(), 3);
    id.append("5g0");
    char digits[9];
    for (int i = 8; i >= 0; --i) {
        digits[i] = Base62[number % 62];
        number /= 62;
    }
    id.append(digits, 9);
    id.append(idChecksum(id));
    return id;
}

QByteArray normalizeId(QByteArrayView id)
{
    if (id.size() != 15 && id.size() != 18)
        return {};
    for (int i = 0; i < 15; ++i) {
        if (!isIdChar(id[i]))
            return {};
    }
    QByteArray full = id.first(15).toByteArray();
    const QByteArray sum = idChecksum(full);
    // Salesforce accepts any capitalisation of the suffix but not a wrong one.
    if (id.size() == 18 && id.sliced(15).toByteArray().toUpper() != sum)
        return {};
    full.append(sum);
    return full;
}

} // namespace tether::sim
