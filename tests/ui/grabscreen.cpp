// tether-grabscreen: writes the whole X screen to a PNG — the screenshot step
// of scripts/screenshots, for machines without ImageMagick's `import`.
// Usage: tether-grabscreen OUT.png   (under the display in $DISPLAY)
#include <QGuiApplication>
#include <QPixmap>
#include <QScreen>
#include <QTextStream>

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    if (argc < 2) {
        QTextStream(stderr) << "usage: tether-grabscreen OUT.png" << Qt::endl;
        return 2;
    }
    QScreen *screen = QGuiApplication::primaryScreen();
    const QPixmap shot = screen ? screen->grabWindow(0) : QPixmap();
    if (shot.isNull() || !shot.save(QString::fromLocal8Bit(argv[1]), "PNG")) {
        QTextStream(stderr) << "tether-grabscreen: could not grab the screen into " << argv[1] << Qt::endl;
        return 1;
    }
    return 0;
}
