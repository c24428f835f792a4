<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ServerConfig</name>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>%1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>%1, line %2: expected `key = value`, found &quot;%3&quot;.</source>
        <translation>%1, Zeile %2: erwartet wird `Schlüssel = Wert`, gefunden wurde „%3“.</translation>
    </message>
    <message>
        <source>%1 must not hold %2: the configuration file is readable by everyone. Put it in the secrets file (--secrets-file, mode 0600) or a systemd credential.</source>
        <translation>%1 darf %2 nicht enthalten: Die Konfigurationsdatei ist für alle lesbar. Legen Sie den Wert in die Geheimnisdatei (--secrets-file, Modus 0600) oder in ein systemd-Credential.</translation>
    </message>
    <message>
        <source>%1: %2 must be true or false, not &quot;%3&quot;.</source>
        <translation>%1: %2 muss true oder false sein, nicht „%3“.</translation>
    </message>
    <message>
        <source>%1: unknown setting &quot;%2&quot;; the settings are the long options of tether --help without the dashes.</source>
        <translation>%1: unbekannte Einstellung „%2“; die Einstellungen sind die langen Optionen von tether --help ohne die Bindestriche.</translation>
    </message>
    <message>
        <source>The secrets file %1 does not exist.</source>
        <translation>Die Geheimnisdatei %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Refusing to read secrets from %1: other users may read or change it. Run chmod 600 %1.</source>
        <translation>Geheimnisse aus %1 werden nicht gelesen: Andere Benutzer können die Datei lesen oder ändern. Führen Sie chmod 600 %1 aus.</translation>
    </message>
    <message>
        <source>%1: unknown secret &quot;%2&quot;; a secrets file holds client-secret and refresh-token.</source>
        <translation>%1: unbekanntes Geheimnis „%2“; eine Geheimnisdatei enthält client-secret und refresh-token.</translation>
    </message>
</context>
<context>
    <name>HealthServer</name>
    <message>
        <source>Cannot serve health checks on %1:%2: the address is not this machine's or the port is taken. Choose another with --health-listen.</source>
        <translation>Zustandsabfragen können nicht auf %1:%2 angeboten werden: Die Adresse gehört nicht zu diesem Rechner oder der Port ist belegt. Wählen Sie mit --health-listen eine andere.</translation>
    </message>
    <message>
        <source>Tether is not syncing.</source>
        <translation>Tether synchronisiert nicht.</translation>
    </message>
</context>
<context>
    <name>ServerReload</name>
    <message>
        <source>reload refused, the settings stay as they were: %1</source>
        <translation>Neu laden abgelehnt, die Einstellungen bleiben wie sie waren: %1</translation>
    </message>
    <message>
        <source>rate %1 requests/s</source>
        <translation>Rate %1 Anfragen/s</translation>
    </message>
    <message>
        <source>stopped syncing %1 (their tables stay)</source>
        <translation>%1 wird nicht mehr synchronisiert (die Tabellen bleiben)</translation>
    </message>
    <message>
        <source>added %1</source>
        <translation>%1 hinzugefügt</translation>
    </message>
    <message>
        <source>reloaded the settings: nothing to change</source>
        <translation>Einstellungen neu geladen: nichts zu ändern</translation>
    </message>
    <message>
        <source>reloaded the settings: %1</source>
        <translation>Einstellungen neu geladen: %1</translation>
    </message>
    <message>
        <source>changed settings that take effect at the next restart: %1</source>
        <translation>geänderte Einstellungen, die erst beim nächsten Neustart wirken: %1</translation>
    </message>
</context>
<context>
    <name>StateSchema</name>
    <message>
        <source>This database's tether schema is at version %1, written by a newer Tether; this Tether understands version %2 at most. Install the newer Tether again, or point this one at another database.</source>
        <translation>Das tether-Schema dieser Datenbank hat Version %1 und wurde von einem neueren Tether geschrieben; dieses Tether versteht höchstens Version %2. Installieren Sie das neuere Tether wieder oder verwenden Sie mit diesem eine andere Datenbank.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>health check on %1/healthz, metrics on %1/metrics</source>
        <translation>Zustandsabfrage unter %1/healthz, Metriken unter %1/metrics</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Read settings from this file: `key = value` lines named like these options without the dashes (e.g. /etc/tether/tether.conf). Options on the command line win. Re-read on SIGHUP (systemctl reload): rate and objects change without a restart.</source>
        <translation>Einstellungen aus dieser Datei lesen: Zeilen `Schlüssel = Wert`, benannt wie diese Optionen ohne Bindestriche (z. B. /etc/tether/tether.conf). Optionen auf der Kommandozeile haben Vorrang. Bei SIGHUP (systemctl reload) neu gelesen: Rate und Objekte ändern sich ohne Neustart.</translation>
    </message>
    <message>
        <source>File (mode 0600) holding client-secret and refresh-token as `key = value` lines. Under systemd, the credentials client-secret and refresh-token are read too.</source>
        <translation>Datei (Modus 0600) mit client-secret und refresh-token als Zeilen `Schlüssel = Wert`. Unter systemd werden auch die Credentials client-secret und refresh-token gelesen.</translation>
    </message>
    <message>
        <source>Serve /healthz and /metrics (Prometheus) over HTTP on this address, e.g. 127.0.0.1:9187 (port 0 picks a free one and prints it).</source>
        <translation>/healthz und /metrics (Prometheus) per HTTP auf dieser Adresse anbieten, z. B. 127.0.0.1:9187 (Port 0 wählt einen freien und gibt ihn aus).</translation>
    </message>
    <message>
        <source>address:port</source>
        <translation>Adresse:Port</translation>
    </message>
    <message>
        <source>--rate must be a positive number of requests per second.</source>
        <translation>--rate muss eine positive Zahl von Anfragen pro Sekunde sein.</translation>
    </message>
    <message>
        <source>--health-listen must be an address and a port, like 127.0.0.1:9187.</source>
        <translation>--health-listen muss eine Adresse und ein Port sein, etwa 127.0.0.1:9187.</translation>
    </message>
</context>
</TS>
