// The proxy's framing (MessageReader), the messages it writes itself (wire),
// its cancel-key table and its protocol tracker, without a server.
#include "proxy/cancelkeys.h"
#include "proxy/messagereader.h"
#include "proxy/protocoltracker.h"
#include "proxy/wire.h"

#include <QBuffer>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

using namespace tether::proxy;

namespace {

QByteArray int32(qint32 value)
{
    QByteArray out(4, '\0');
    qToBigEndian(value, out.data());
    return out;
}

QByteArray message(char type, const QByteArray &body) { return QByteArray(1, type) + int32(qint32(body.size() + 4)) + body; }

struct Collected
{
    QByteArray bytes;           // every piece concatenated
    QList<QByteArray> whole;    // messages handed out whole
    QByteArray starts;          // types of message starts, in order
    int pieces = 0;
    MessageReader::Status last = MessageReader::Status::NeedMore;
};

void drain(MessageReader &reader, Collected &out)
{
    MessagePiece piece;
    while ((out.last = reader.next(&piece)) == MessageReader::Status::Piece) {
        out.bytes += piece.bytes.toByteArray();
        ++out.pieces;
        if (piece.first)
            out.starts += piece.type ? piece.type : '0';
        if (piece.isWhole())
            out.whole.append(piece.bytes.toByteArray());
    }
}

} // namespace

class TestFraming : public QObject
{
    Q_OBJECT

private slots:
    void wholeMessagesFromOneBuffer();
    void everySplitGivesTheSameMessages();
    void streamedTypesComeInPiecesAsTheyArrive();
    void heldTypesWaitUntilWhole();
    void startupPacketThenTypedMessages();
    void lengthsAreChecked_data();
    void lengthsAreChecked();
    void readsFromADevice();
    void errorResponseBytes();
    void cancelRequestAndKeyBytes();
    void bodyReaderStopsAtTheEnd();
    void cancelKeysMapAndCheckSecrets();
    void trackerPipelineWithError();
    void trackerSimpleQueryCopyAndDescribe();
    void trackerOwnQueryOrigin();
};

void TestFraming::wholeMessagesFromOneBuffer()
{
    const QByteArray stream = message('T', "rowdesc") + message('D', "row1") + message('D', "")
                              + message('C', "SELECT 2") + message('Z', "I");
    MessageReader reader(Peer::Backend);
    reader.append(stream);
    Collected out;
    drain(reader, out);
    QCOMPARE(out.last, MessageReader::Status::NeedMore);
    QCOMPARE(out.bytes, stream);
    QCOMPARE(out.starts, QByteArray("TDDCZ"));
    QCOMPARE(out.whole.size(), 5);
    QVERIFY(reader.atMessageBoundary());
}

void TestFraming::everySplitGivesTheSameMessages()
{
    QByteArray stream;
    for (int i = 0; i < 50; ++i)
        stream += message(i % 3 ? 'D' : 'N', QByteArray(i * 37 % 300, char('a' + i % 26)));
    stream += message('Z', "T");
    // Byte by byte, then random chunk sizes: the output never changes.
    for (int round = 0; round < 20; ++round) {
        MessageReader reader(Peer::Backend);
        Collected out;
        for (qsizetype at = 0; at < stream.size();) {
            const qsizetype size = round == 0 ? 1 : 1 + QRandomGenerator::global()->bounded(200);
            reader.append(QByteArrayView(stream).sliced(at, qMin(size, stream.size() - at)));
            at += size;
            drain(reader, out);
            QCOMPARE(out.last, MessageReader::Status::NeedMore);
        }
        QCOMPARE(out.bytes, stream);
        QCOMPARE(out.starts.size(), 51);
        QVERIFY(out.starts.endsWith('Z'));
        QVERIFY(reader.atMessageBoundary());
    }
}

void TestFraming::streamedTypesComeInPiecesAsTheyArrive()
{
    // A 10 MB DataRow: its first bytes go out before the rest has arrived.
    const QByteArray body(10 * 1024 * 1024, 'x');
    const QByteArray full = message('D', body);
    MessageReader reader(Peer::Backend);
    reader.append(QByteArrayView(full).first(1000));
    MessagePiece piece;
    QCOMPARE(reader.next(&piece), MessageReader::Status::Piece);
    QVERIFY(piece.first);
    QVERIFY(!piece.last);
    QCOMPARE(piece.type, 'D');
    QCOMPARE(piece.length, qint64(body.size() + 4));
    QCOMPARE(piece.bytes.size(), 1000);
    QCOMPARE(reader.next(&piece), MessageReader::Status::NeedMore);
    QCOMPARE(reader.bufferedBytes(), 0); // nothing kept back

    qsizetype at = 1000;
    QByteArray rest;
    while (at < full.size()) {
        const qsizetype size = qMin<qsizetype>(65536, full.size() - at);
        reader.append(QByteArrayView(full).sliced(at, size));
        at += size;
        QCOMPARE(reader.next(&piece), MessageReader::Status::Piece);
        QVERIFY(!piece.first);
        QCOMPARE(piece.type, 'D');
        rest += piece.bytes.toByteArray();
        QCOMPARE(piece.last, at == full.size());
        QVERIFY(reader.bufferedBytes() == 0);
    }
    QCOMPARE(QByteArray(full.first(1000)) + rest, full);

    // From a frontend only CopyData is streamed.
    MessageReader frontend(Peer::Frontend);
    frontend.append(QByteArrayView(message('d', QByteArray(5000, 'c'))).first(100));
    QCOMPARE(frontend.next(&piece), MessageReader::Status::Piece);
    QCOMPARE(piece.type, 'd');
    QVERIFY(!piece.last);
}

void TestFraming::heldTypesWaitUntilWhole()
{
    const QByteArray query = message('Q', QByteArray(100000, 's') + '\0');
    MessageReader reader(Peer::Frontend);
    MessagePiece piece;
    for (qsizetype at = 0; at < query.size() - 1; at += 4096) {
        reader.append(QByteArrayView(query).sliced(at, qMin<qsizetype>(4096, query.size() - 1 - at)));
        QCOMPARE(reader.next(&piece), MessageReader::Status::NeedMore);
    }
    reader.append(QByteArrayView(query).last(1));
    QCOMPARE(reader.next(&piece), MessageReader::Status::Piece);
    QVERIFY(piece.isWhole());
    QCOMPARE(piece.bytes.toByteArray(), query);
    QCOMPARE(piece.body().size(), 100001);

    // The session can ask for whole DataRows (e.g. to rewrite them).
    MessageReader backend(Peer::Backend);
    backend.setStreamedTypes("d");
    backend.append(QByteArrayView(message('D', "abcdef")).first(7));
    QCOMPARE(backend.next(&piece), MessageReader::Status::NeedMore);
}

void TestFraming::startupPacketThenTypedMessages()
{
    const QByteArray startupBody = int32(3 << 16) + QByteArray("user\0me\0\0", 9);
    const QByteArray startup = int32(qint32(startupBody.size() + 4)) + startupBody;
    const QByteArray password = message('p', QByteArray("secret\0", 7));
    MessageReader reader(Peer::Frontend);
    reader.expectStartupPacket();
    reader.append(startup + password);
    MessagePiece piece;
    QCOMPARE(reader.next(&piece), MessageReader::Status::Piece);
    QCOMPARE(piece.type, char(0));
    QVERIFY(piece.isWhole());
    QCOMPARE(piece.body().toByteArray(), startupBody);
    QCOMPARE(reader.next(&piece), MessageReader::Status::Piece);
    QCOMPARE(piece.type, 'p');
    QCOMPARE(piece.bytes.toByteArray(), password);
}

void TestFraming::lengthsAreChecked_data()
{
    QTest::addColumn<int>("peer");
    QTest::addColumn<bool>("startup");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");
    const int frontend = int(Peer::Frontend), backend = int(Peer::Backend);
    QTest::newRow("1 GB Query") << frontend << false << (QByteArray("Q") + int32(0x40000000)) << false;
    QTest::newRow("largest Query PostgreSQL takes") << frontend << false << (QByteArray("Q") + int32(0x3FFFFFFE)) << true;
    QTest::newRow("length 3") << frontend << false << (QByteArray("S") + int32(3)) << false;
    QTest::newRow("length 4") << frontend << false << (QByteArray("S") + int32(4)) << true;
    QTest::newRow("negative") << frontend << false << (QByteArray("B") + int32(-1)) << false;
    QTest::newRow("Sync of 100 kB") << frontend << false << (QByteArray("S") + int32(100000)) << false;
    QTest::newRow("SASL token of 65535") << frontend << false << (QByteArray("p") + int32(65535 + 4)) << true;
    QTest::newRow("startup 7") << frontend << true << int32(7) << false;
    QTest::newRow("startup 10000") << frontend << true << int32(10000) << true;
    QTest::newRow("startup 10001") << frontend << true << int32(10001) << false;
    QTest::newRow("backend DataRow of 2 GB - 1") << backend << false << (QByteArray("D") + int32(0x7FFFFFFF)) << true;
    QTest::newRow("backend ErrorResponse of 1 GB") << backend << false << (QByteArray("E") + int32(0x40000000)) << false;
}

void TestFraming::lengthsAreChecked()
{
    QFETCH(int, peer);
    QFETCH(bool, startup);
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    MessageReader reader(static_cast<Peer>(peer));
    if (startup)
        reader.expectStartupPacket();
    reader.append(bytes);
    MessagePiece piece;
    const MessageReader::Status status = reader.next(&piece);
    if (valid) {
        QVERIFY(status != MessageReader::Status::Invalid);
        QVERIFY(reader.error().isEmpty());
    } else {
        QCOMPARE(status, MessageReader::Status::Invalid);
        QVERIFY(!reader.error().isEmpty());
        QVERIFY2(reader.error().endsWith(u'.'), qPrintable(reader.error()));
        // An invalid stream stays invalid.
        reader.append("more");
        QCOMPARE(reader.next(&piece), MessageReader::Status::Invalid);
    }
}

void TestFraming::readsFromADevice()
{
    QByteArray data = message('Q', "SELECT 1\0") + message('S', "");
    QBuffer device(&data);
    QVERIFY(device.open(QIODevice::ReadOnly));
    MessageReader reader(Peer::Frontend);
    QCOMPARE(reader.appendFrom(&device, 7), 7);
    Collected out;
    drain(reader, out);
    QCOMPARE(out.pieces, 0);
    QCOMPARE(reader.appendFrom(&device, 1000), qint64(data.size() - 7));
    drain(reader, out);
    QCOMPARE(out.starts, QByteArray("QS"));
    QCOMPARE(reader.appendFrom(&device, 1000), 0);
}

void TestFraming::errorResponseBytes()
{
    wire::ErrorFields fields;
    fields.sqlState = "08P01";
    fields.message = QStringLiteral("Bad ü");
    fields.hint = QStringLiteral("Do better.");
    const QByteArray expected = QByteArray("E") + int32(4 + 7 + 7 + 7 + 8 + 12 + 1)
                                + QByteArray("SFATAL\0VFATAL\0C08P01\0MBad \xc3\xbc\0HDo better.\0\0", 42);
    QCOMPARE(wire::errorResponse(fields), expected);
    const QList<wire::ErrorField> parsed = wire::parseErrorFields(QByteArrayView(expected).sliced(5));
    QCOMPARE(parsed.size(), 5);
    QCOMPARE(parsed.at(2).code, 'C');
    QCOMPARE(parsed.at(2).value, QByteArray("08P01"));
}

void TestFraming::cancelRequestAndKeyBytes()
{
    QCOMPARE(wire::cancelRequest(4242, QByteArray("\x01\x02\x03\x04", 4)),
             int32(16) + int32(80877102) + int32(4242) + QByteArray("\x01\x02\x03\x04", 4));
    QCOMPARE(wire::backendKeyData(7, QByteArray("abcd")), QByteArray("K") + int32(12) + int32(7) + "abcd");
    QCOMPARE(wire::query("SELECT 1"), QByteArray("Q") + int32(13) + QByteArray("SELECT 1\0", 9));
}

void TestFraming::bodyReaderStopsAtTheEnd()
{
    const QByteArray body = int32(5) + QByteArray("name\0", 5) + "x";
    wire::BodyReader reader(body);
    QCOMPARE(reader.int32(), 5);
    QCOMPARE(reader.cString().toByteArray(), QByteArray("name"));
    QCOMPARE(reader.byte(), 'x');
    QVERIFY(reader.ok());
    QVERIFY(reader.atEnd());
    QCOMPARE(reader.int16(), 0);
    QVERIFY(!reader.ok());
    wire::BodyReader unterminated(QByteArray("abc"));
    QVERIFY(unterminated.cString().isEmpty());
    QVERIFY(!unterminated.ok());
}

void TestFraming::cancelKeysMapAndCheckSecrets()
{
    CancelKeys keys;
    const CancelKey server{1234, QByteArray("\x10\x20\x30\x40", 4)};
    const CancelKey issued = keys.issue(server);
    QVERIFY(issued.processId > 0);
    QCOMPARE(issued.secret.size(), 4);
    const auto found = keys.serverKeyFor(issued.processId, issued.secret);
    QVERIFY(found);
    QCOMPARE(found->processId, 1234);
    QCOMPARE(found->secret, server.secret);
    QByteArray wrong = issued.secret;
    wrong[3] = char(wrong[3] ^ 1);
    QVERIFY(!keys.serverKeyFor(issued.processId, wrong));
    QVERIFY(!keys.serverKeyFor(issued.processId, issued.secret.left(3)));
    QVERIFY(!keys.serverKeyFor(1234, server.secret)); // the server's own key means nothing here
    // Protocol 3.2 servers send longer secrets; the client gets one as long.
    const CancelKey longer = keys.issue(CancelKey{99, QByteArray(32, 'k')});
    QCOMPARE(longer.secret.size(), 32);
    QVERIFY(longer.processId != issued.processId);
    keys.release(issued.processId);
    QVERIFY(!keys.serverKeyFor(issued.processId, issued.secret));
    QCOMPARE(keys.size(), 1);
}

void TestFraming::trackerPipelineWithError()
{
    ProtocolTracker tracker;
    QCOMPARE(tracker.responseReceived('Z', "I"), Origin::Client); // end of startup
    for (char type : QByteArray("PBDEPBEBES"))
        tracker.requestSent(type);
    QCOMPARE(tracker.pending().size(), size_t(10));
    for (char type : QByteArray("12TDDC12"))
        tracker.responseReceived(type);
    QCOMPARE(tracker.pending().size(), size_t(4)); // E of the 2nd statement, B, E, S
    tracker.responseReceived('E');
    QCOMPARE(tracker.pending().size(), size_t(1)); // the server skips to the Sync
    QCOMPARE(tracker.pending().front().expected, Expected::ReadyForQuery);
    tracker.responseReceived('Z', "I");
    QVERIFY(tracker.idle());
    QCOMPARE(tracker.mismatches(), 0);
}

void TestFraming::trackerSimpleQueryCopyAndDescribe()
{
    ProtocolTracker tracker;
    tracker.responseReceived('Z', "I");
    tracker.requestSent('Q');
    for (char type : QByteArray("CTDCG"))
        tracker.responseReceived(type);
    QCOMPARE(tracker.copy(), ProtocolTracker::Copy::In);
    tracker.requestSent('d');
    tracker.requestSent('c');
    QCOMPARE(tracker.copy(), ProtocolTracker::Copy::None);
    tracker.responseReceived('C');
    tracker.responseReceived('Z', "T");
    QCOMPARE(tracker.transactionStatus(), 'T');
    QVERIFY(tracker.inTransaction());
    // Describe of a statement: ParameterDescription then NoData.
    tracker.requestSent('P');
    tracker.requestSent('D');
    tracker.requestSent('S');
    for (char type : QByteArray("1tn"))
        tracker.responseReceived(type);
    tracker.responseReceived('Z', "E");
    QCOMPARE(tracker.transactionStatus(), 'E');
    QVERIFY(tracker.idle());
    QCOMPARE(tracker.mismatches(), 0);
    // A response nobody asked for is noticed.
    tracker.responseReceived('2');
    QCOMPARE(tracker.mismatches(), 1);
}

void TestFraming::trackerOwnQueryOrigin()
{
    ProtocolTracker tracker;
    tracker.responseReceived('Z', "T");
    tracker.requestSent('P');
    tracker.requestSent('S');
    tracker.requestSent('Q', Origin::Proxy);
    QCOMPARE(tracker.responseReceived('1'), Origin::Client);
    QCOMPARE(tracker.responseReceived('Z', "T"), Origin::Client);
    QCOMPARE(tracker.responseReceived('T'), Origin::Proxy);
    QCOMPARE(tracker.responseReceived('N'), Origin::Proxy);
    QCOMPARE(tracker.responseReceived('S'), Origin::Client); // ParameterStatus always reaches the client
    QCOMPARE(tracker.responseReceived('D'), Origin::Proxy);
    QCOMPARE(tracker.responseReceived('C'), Origin::Proxy);
    QCOMPARE(tracker.responseReceived('Z', "T"), Origin::Proxy);
    QVERIFY(tracker.idle());
}

QTEST_GUILESS_MAIN(TestFraming)
#include "tst_framing.moc"
