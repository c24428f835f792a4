// tether-manpage: writes the manual page tether(1) in roff to stdout, from the
// same option list and description as `tether --help`, so the two cannot
// disagree. Run at build time (app/CMakeLists.txt); never installed.
#include "commandline.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

// roff: a backslash is written \e, a leading dot or quote would be a request,
// and "-" is written \- so that it stays a minus in every output.
QString roff(QString text)
{
    text.replace(u'\\', QStringLiteral("\\e"));
    text.replace(u'-', QStringLiteral("\\-"));
    if (text.startsWith(u'.') || text.startsWith(u'\''))
        text.prepend(QStringLiteral("\\&"));
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    // The NAME line is what whatis(1) shows: lower case first, no full stop.
    QString whatis = tetherDescription();
    whatis = whatis.left(1).toLower() + whatis.mid(1);
    if (whatis.endsWith(u'.'))
        whatis.chop(1);
    out << ".TH TETHER 1 \"" << TETHER_MANPAGE_DATE << "\" \"Tether " << TETHER_VERSION << "\" \"User Commands\"\n"
        << ".SH NAME\ntether \\- " << roff(whatis) << '\n'
        << ".SH SYNOPSIS\n.B tether\n[\\fIoptions\\fR]\n"
        << ".br\n.B tether \\-\\-headless \\-\\-config\n\\fI/etc/tether/tether.conf\\fR\n"
        << ".SH DESCRIPTION\n"
        << roff(QStringLiteral("Tether keeps one PostgreSQL table per Salesforce object in sync and applies INSERT, "
                               "UPDATE and DELETE statements sent through its proxy to Salesforce first, committing "
                               "in PostgreSQL only when Salesforce accepted them. Without --headless it opens a "
                               "window; with --headless it runs the same engine for servers."))
        << '\n'
        << ".SH OPTIONS\n"
        << ".TP\n.BR \\-h \", \" \\-\\-help\nShow the options and exit.\n"
        << ".TP\n.BR \\-v \", \" \\-\\-version\nShow the version and exit.\n";
    for (const QCommandLineOption &option : tetherOptions()) {
        out << ".TP\n.B \\-\\-" << roff(option.names().constFirst());
        if (!option.valueName().isEmpty())
            out << " \" \\fI" << roff(option.valueName()) << "\\fR\"";
        out << '\n' << roff(option.description()) << '\n';
    }
    out << ".SH FILES\n"
        << ".TP\n.I /etc/tether/tether.conf\n"
        << roff(QStringLiteral("Settings of the tether service: key = value lines named like the long options "
                               "without the dashes (database, objects, rate, proxy-port, health-listen, ...)."))
        << '\n'
        << ".TP\n.I /etc/tether/secrets\n"
        << roff(QStringLiteral("client-secret and refresh-token, readable only by the tether user (mode 0600); "
                               "systemd credentials of the same names work too."))
        << '\n'
        << ".TP\n.I ~/.local/share/Tether/tether\n"
        << roff(QStringLiteral("A person's managed PostgreSQL cluster and demo org (/var/lib/tether-root for root, "
                               "/var/lib/tether for the service)."))
        << '\n'
        << ".SH SIGNALS\n"
        << roff(QStringLiteral("SIGINT and SIGTERM stop Tether cleanly. SIGHUP (systemctl reload tether) re-reads "
                               "the configuration file and applies the rate and the object list without a restart."))
        << '\n'
        << ".SH ENVIRONMENT\n"
        << ".TP\n.B TETHER_SF_REFRESH_TOKEN\nA refresh token for headless login.\n"
        << ".TP\n.B TETHER_SF_CLIENT_SECRET\nThe connected app's consumer secret.\n"
        << ".SH SEE ALSO\n.BR psql (1)\n";
    return 0;
}
