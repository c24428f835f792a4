#include "dashboard/phaseicons.h"

#include <QHash>
#include <QImageReader>
#include <QPainter>
#include <QPixmap>

namespace tether::ui {

namespace {

bool svgReadable()
{
    static const bool readable = QImageReader::supportedImageFormats().contains("svg");
    return readable;
}

QString phaseFile(sync::Phase phase)
{
    switch (phase) {
    case sync::Phase::Discovering: return QStringLiteral(":/tether/icons/phase-discovering.svg");
    case sync::Phase::Backfilling: return QStringLiteral(":/tether/icons/phase-backfilling.svg");
    case sync::Phase::Polling: return QStringLiteral(":/tether/icons/phase-polling.svg");
    case sync::Phase::Paused: return QStringLiteral(":/tether/icons/phase-paused.svg");
    case sync::Phase::Error: return QStringLiteral(":/tether/icons/phase-error.svg");
    }
    return {};
}

QPixmap paintedPhase(sync::Phase phase, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 16.0, size / 16.0);
    p.setPen(Qt::NoPen);
    p.setBrush(phaseColor(phase));
    QPen white(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    switch (phase) {
    case sync::Phase::Discovering:
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(phaseColor(phase), 2, Qt::SolidLine, Qt::RoundCap));
        p.drawEllipse(QPointF(7, 7), 4.5, 4.5);
        p.drawLine(QPointF(10.5, 10.5), QPointF(14.5, 14.5));
        break;
    case sync::Phase::Backfilling:
        p.drawEllipse(QPointF(8, 8), 7, 7);
        p.setPen(white);
        p.drawLine(QPointF(8, 3.5), QPointF(8, 10));
        p.drawPolyline(QPolygonF({QPointF(5, 7.5), QPointF(8, 10.5), QPointF(11, 7.5)}));
        p.drawLine(QPointF(4.5, 12.5), QPointF(11.5, 12.5));
        break;
    case sync::Phase::Polling:
        p.drawEllipse(QPointF(8, 8), 7, 7);
        p.setPen(white);
        p.drawPolyline(QPolygonF({QPointF(4.5, 8.3), QPointF(6.8, 10.6), QPointF(11.5, 5.6)}));
        break;
    case sync::Phase::Paused:
        p.drawEllipse(QPointF(8, 8), 7, 7);
        p.setBrush(Qt::white);
        p.drawRect(QRectF(5, 4.5, 2, 7));
        p.drawRect(QRectF(9, 4.5, 2, 7));
        break;
    case sync::Phase::Error:
        p.drawPolygon(QPolygonF({QPointF(8, 1.2), QPointF(15.2, 14), QPointF(0.8, 14)}));
        p.setBrush(Qt::white);
        p.drawRect(QRectF(7.1, 5.2, 1.8, 4.8));
        p.drawEllipse(QPointF(8, 12), 1, 1);
        break;
    }
    return pixmap;
}

} // namespace

QColor phaseColor(sync::Phase phase)
{
    switch (phase) {
    case sync::Phase::Discovering: return QColor(0x7f, 0x8c, 0x9a);
    case sync::Phase::Backfilling: return QColor(0x2d, 0x7d, 0xd2);
    case sync::Phase::Polling: return QColor(0x2e, 0x9e, 0x5b);
    case sync::Phase::Paused: return QColor(0xd9, 0x92, 0x2e);
    case sync::Phase::Error: return QColor(0xd6, 0x45, 0x45);
    }
    return {};
}

QIcon phaseIcon(sync::Phase phase)
{
    static QHash<int, QIcon> cache;
    auto it = cache.find(int(phase));
    if (it != cache.end())
        return *it;
    QIcon icon;
    if (svgReadable()) {
        icon = QIcon(phaseFile(phase));
    } else {
        for (int size : {16, 24, 32, 48})
            icon.addPixmap(paintedPhase(phase, size));
    }
    cache.insert(int(phase), icon);
    return icon;
}

QIcon badgedAppIcon(sync::Phase phase)
{
    QIcon icon;
    for (int size : {16, 22, 32, 48, 64}) {
        QPixmap base = QIcon(QStringLiteral(":/tether/tether.svg")).pixmap(size, size);
        if (base.isNull() || !svgReadable()) {
            // Without the SVG plugin: the app's two joined circles, painted.
            base = QPixmap(size, size);
            base.fill(Qt::transparent);
            QPainter p(&base);
            p.setRenderHint(QPainter::Antialiasing);
            p.scale(size / 64.0, size / 64.0);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(0x0b, 0x6b, 0xcb));
            p.drawEllipse(QPointF(18, 32), 12, 12);
            p.setBrush(QColor(0x33, 0x67, 0x91));
            p.drawEllipse(QPointF(46, 32), 12, 14);
            p.setPen(QPen(QColor(0x9c, 0xa3, 0xaf), 4, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(QPointF(30, 32), QPointF(34, 32));
        }
        QPainter p(&base);
        p.setRenderHint(QPainter::Antialiasing);
        const QPixmap badge = paintedPhase(phase, qMax(8, size / 2));
        p.drawPixmap(size - badge.width(), size - badge.height(), badge);
        p.end();
        icon.addPixmap(base);
    }
    return icon;
}

} // namespace tether::ui
