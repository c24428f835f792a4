<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>DesktopShell</name>
    <message>
        <source>&amp;Open Tether</source>
        <translation>Tether ö&amp;ffnen</translation>
    </message>
    <message>
        <source>&amp;Pause all</source>
        <translation>Alle &amp;pausieren</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Tether stopped syncing</source>
        <translation>Tether synchronisiert nicht mehr</translation>
    </message>
    <message>
        <source>Log in to Salesforce again</source>
        <translation>Erneut bei Salesforce anmelden</translation>
    </message>
    <message>
        <source>%1 Sync is stopped until you log in again.</source>
        <translation>%1 Die Synchronisation ruht, bis Sie sich erneut anmelden.</translation>
    </message>
    <message>
        <source>%1 is mirrored</source>
        <translation>%1 ist gespiegelt</translation>
    </message>
    <message>
        <source>The backfill of %1 is complete; Tether keeps it up to date.</source>
        <translation>Der Erstabgleich von %1 ist abgeschlossen; Tether hält die Tabelle aktuell.</translation>
    </message>
    <message>
        <source>Every table is mirrored</source>
        <translation>Alle Tabellen sind gespiegelt</translation>
    </message>
    <message>
        <source>All backfills are complete. Connect through the proxy: %1</source>
        <translation>Alle Erstabgleiche sind abgeschlossen. Verbinden Sie sich über den Proxy: %1</translation>
    </message>
    <message>
        <source>Sync paused for the API quota</source>
        <translation>Synchronisation wegen API-Kontingent pausiert</translation>
    </message>
    <message>
        <source>The org is close to its daily API limit. Tether paused syncing; writes through the proxy keep going. Sync resumes by itself.</source>
        <translation>Die Org ist nahe an ihrem täglichen API-Limit. Tether hat die Synchronisation pausiert; Schreibvorgänge über den Proxy laufen weiter. Die Synchronisation setzt von selbst wieder ein.</translation>
    </message>
    <message>
        <source>Sync resumed</source>
        <translation>Synchronisation fortgesetzt</translation>
    </message>
    <message>
        <source>The org's API usage fell below the pause share; Tether syncs again.</source>
        <translation>Die API-Nutzung der Org ist unter den Pausenanteil gefallen; Tether synchronisiert wieder.</translation>
    </message>
    <message numerus="yes">
        <source>%n up to date</source>
        <translation><numerusform>%n aktuell</numerusform><numerusform>%n aktuell</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n backfilling</source>
        <translation><numerusform>%n im Erstabgleich</numerusform><numerusform>%n im Erstabgleich</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n paused</source>
        <translation><numerusform>%n pausiert</numerusform><numerusform>%n pausiert</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n with errors</source>
        <translation><numerusform>%n mit Fehlern</numerusform><numerusform>%n mit Fehlern</numerusform></translation>
    </message>
    <message>
        <source>Syncing.</source>
        <translation>Synchronisiert.</translation>
    </message>
    <message>
        <source>Tables: %1</source>
        <translation>Tabellen: %1</translation>
    </message>
    <message>
        <source>Tether — %1</source>
        <translation>Tether — %1</translation>
    </message>
    <message>
        <source>&amp;Resume all</source>
        <translation>Alle &amp;fortsetzen</translation>
    </message>
    <message>
        <source>Tether keeps running</source>
        <translation>Tether läuft weiter</translation>
    </message>
    <message>
        <source>Tether keeps syncing and the proxy keeps answering while the window is closed. Open it again from the Tether icon in the system tray; choose Quit there to stop everything. You can change this in Settings.</source>
        <translation>Tether synchronisiert weiter und der Proxy antwortet weiter, während das Fenster geschlossen ist. Öffnen Sie es wieder über das Tether-Symbol im Infobereich; dort beendet „Beenden“ alles. Sie können das in den Einstellungen ändern.</translation>
    </message>
</context>
<context>
    <name>tether::ui::ActivityLog</name>
    <message>
        <source>&lt;b&gt;Activity&lt;/b&gt;</source>
        <translation>&lt;b&gt;Aktivität&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Copy all</source>
        <translation>Alles kopieren</translation>
    </message>
    <message>
        <source>Copy the whole activity log</source>
        <translation>Das ganze Aktivitätsprotokoll kopieren</translation>
    </message>
    <message>
        <source>Activity log</source>
        <translation>Aktivitätsprotokoll</translation>
    </message>
    <message>
        <source>%1  Error: %2</source>
        <translation>%1  Fehler: %2</translation>
    </message>
</context>
<context>
    <name>tether::ui::ApiUsagePanel</name>
    <message>
        <source>Backfill</source>
        <translation>Erstabgleich</translation>
    </message>
    <message>
        <source>Polling</source>
        <translation>Abfragen</translation>
    </message>
    <message>
        <source>Writes</source>
        <translation>Schreibvorgänge</translation>
    </message>
    <message>
        <source>Describe</source>
        <translation>Describe</translation>
    </message>
    <message>
        <source>Login and limits</source>
        <translation>Anmeldung und Limits</translation>
    </message>
    <message>
        <source>&lt;b&gt;API usage today&lt;/b&gt;</source>
        <translation>&lt;b&gt;API-Nutzung heute&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Daily API usage of the org</source>
        <translation>Tägliche API-Nutzung der Org</translation>
    </message>
    <message>
        <source>Tether · %1</source>
        <translation>Tether · %1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Calls other integrations made since Tether started: the org's counter minus Tether's calls.</source>
        <translation>Aufrufe anderer Integrationen seit dem Start von Tether: der Zähler der Org abzüglich der Aufrufe von Tether.</translation>
    </message>
    <message>
        <source>Other integrations</source>
        <translation>Andere Integrationen</translation>
    </message>
    <message>
        <source>Tether</source>
        <translation>Tether</translation>
    </message>
    <message>
        <source>minutes ago</source>
        <translation>vor Minuten</translation>
    </message>
    <message>
        <source>calls / min</source>
        <translation>Aufrufe / min</translation>
    </message>
    <message>
        <source>API calls per minute over the last hour</source>
        <translation>API-Aufrufe pro Minute in der letzten Stunde</translation>
    </message>
    <message>
        <source>%1 of %2 (%3%)</source>
        <translation>%1 von %2 (%3 %)</translation>
    </message>
    <message>
        <source>Sync pauses at %1% of the daily limit; writes through the proxy keep going.</source>
        <translation>Die Synchronisation pausiert bei %1 % des Tageslimits; Schreibvorgänge über den Proxy laufen weiter.</translation>
    </message>
    <message>
        <source>Sync is paused: the org used %1% of its daily API limit. It resumes by itself when usage falls below %2%.</source>
        <translation>Die Synchronisation pausiert: Die Org hat %1 % ihres täglichen API-Limits verbraucht. Sie läuft von selbst weiter, sobald die Nutzung unter %2 % fällt.</translation>
    </message>
    <message>
        <source>not known yet</source>
        <translation>noch nicht bekannt</translation>
    </message>
    <message>
        <source>Shown after the first answer from Salesforce.</source>
        <translation>Wird nach der ersten Antwort von Salesforce angezeigt.</translation>
    </message>
</context>
<context>
    <name>tether::ui::DashboardPage</name>
    <message>
        <source>The last synced table cannot be removed; add another object first.</source>
        <translation>Die letzte synchronisierte Tabelle kann nicht entfernt werden; fügen Sie zuerst ein anderes Objekt hinzu.</translation>
    </message>
    <message>
        <source>Stop syncing this table (Delete)</source>
        <translation>Diese Tabelle nicht mehr synchronisieren (Entf)</translation>
    </message>
    <message>
        <source>Synced tables</source>
        <translation>Synchronisierte Tabellen</translation>
    </message>
    <message>
        <source>Filter tables (Ctrl+F)</source>
        <translation>Tabellen filtern (Strg+F)</translation>
    </message>
    <message>
        <source>Filter tables</source>
        <translation>Tabellen filtern</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>Re-sync…</source>
        <translation>Neu synchronisieren…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Entfernen…</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>Details…</translation>
    </message>
    <message>
        <source>Open table</source>
        <translation>Tabelle öffnen</translation>
    </message>
    <message>
        <source>Add objects…</source>
        <translation>Objekte hinzufügen…</translation>
    </message>
    <message>
        <source>The backfill of %1 is complete.</source>
        <translation>Der Erstabgleich von %1 ist abgeschlossen.</translation>
    </message>
    <message>
        <source>Every table is backfilled; Tether keeps them up to date by polling.</source>
        <translation>Alle Tabellen sind abgeglichen; Tether hält sie durch regelmäßige Abfragen aktuell.</translation>
    </message>
    <message>
        <source>Sync paused: the org is close to its daily API limit. Writes through the proxy keep going; sync resumes by itself when usage falls.</source>
        <translation>Synchronisation pausiert: Die Org ist nahe an ihrem täglichen API-Limit. Schreibvorgänge über den Proxy laufen weiter; die Synchronisation setzt von selbst wieder ein, wenn die Nutzung sinkt.</translation>
    </message>
    <message>
        <source>Sync resumed: the org's API usage fell below the pause share.</source>
        <translation>Synchronisation fortgesetzt: Die API-Nutzung der Org ist unter den Pausenanteil gefallen.</translation>
    </message>
    <message>
        <source>The proxy starts once the sync runs.</source>
        <translation>Der Proxy startet, sobald die Synchronisation läuft.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: paused.</source>
        <translation>%1: pausiert.</translation>
    </message>
    <message>
        <source>%1: resumed.</source>
        <translation>%1: fortgesetzt.</translation>
    </message>
    <message>
        <source>%1: working again.</source>
        <translation>%1: funktioniert wieder.</translation>
    </message>
    <message>
        <source>%1 (demo org, tether-sim)</source>
        <translation>%1 (Demo-Org, tether-sim)</translation>
    </message>
    <message>
        <source>Org %1</source>
        <translation>Org %1</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Resume syncing this table (Ctrl+P)</source>
        <translation>Diese Tabelle wieder synchronisieren (Strg+P)</translation>
    </message>
    <message>
        <source>Stop syncing this table for now (Ctrl+P)</source>
        <translation>Diese Tabelle vorerst nicht synchronisieren (Strg+P)</translation>
    </message>
    <message>
        <source>%1: sync requested.</source>
        <translation>%1: Synchronisation angefordert.</translation>
    </message>
    <message>
        <source>, about %1 at the current rate</source>
        <translation>, etwa %1 bei der aktuellen Rate</translation>
    </message>
    <message>
        <source>. The rows already in the table stay until they are replaced.</source>
        <translation>. Die Zeilen in der Tabelle bleiben, bis sie ersetzt werden.</translation>
    </message>
    <message>
        <source>Re-sync %1</source>
        <translation>%1 neu synchronisieren</translation>
    </message>
    <message>
        <source>%1: re-sync requested.</source>
        <translation>%1: Neusynchronisation angefordert.</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
    <message>
        <source>Stop syncing %1? Its table and rows stay in PostgreSQL but are no longer kept up to date; writes to it through the proxy are refused.</source>
        <translation>%1 nicht mehr synchronisieren? Tabelle und Zeilen bleiben in PostgreSQL, werden aber nicht mehr aktualisiert; Schreibvorgänge über den Proxy werden abgelehnt.</translation>
    </message>
    <message>
        <source>%1: no longer synced.</source>
        <translation>%1: wird nicht mehr synchronisiert.</translation>
    </message>
    <message>
        <source>%1 — details</source>
        <translation>%1 — Details</translation>
    </message>
    <message>
        <source>Details of %1</source>
        <translation>Details zu %1</translation>
    </message>
    <message>
        <source>Copy all %1 records of %2 from Salesforce again? This costs about %3 API calls</source>
        <translation>Alle %1 Datensätze von %2 erneut aus Salesforce kopieren? Das kostet etwa %3 API-Aufrufe</translation>
    </message>
    <message>
        <source>%1: backfill started.</source>
        <translation>%1: Erstabgleich gestartet.</translation>
    </message>
</context>
<context>
    <name>tether::ui::MainWindow</name>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <source>Tables open through Tether's proxy, so that every edit is written to Salesforce first, and the proxy is not running. Turn it on in Settings &gt; Proxy.</source>
        <translation>Tabellen werden über Tethers Proxy geöffnet, damit jede Änderung zuerst in Salesforce geschrieben wird, und der Proxy läuft nicht. Schalten Sie ihn unter Einstellungen &gt; Proxy ein.</translation>
    </message>
    <message>
        <source>Tether</source>
        <translation>Tether</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Set &amp;up Tether…</source>
        <translation>Tether ein&amp;richten…</translation>
    </message>
    <message>
        <source>&amp;Add objects…</source>
        <translation>Objekte &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation>&amp;Synchronisation</translation>
    </message>
    <message>
        <source>&amp;Pause all</source>
        <translation>Alle &amp;pausieren</translation>
    </message>
    <message>
        <source>&amp;Resume all</source>
        <translation>Alle &amp;fortsetzen</translation>
    </message>
    <message>
        <source>Look for &amp;new fields now</source>
        <translation>Jetzt nach &amp;neuen Feldern suchen</translation>
    </message>
    <message>
        <source>Find &amp;hard-deleted records now</source>
        <translation>Jetzt endgültig &amp;gelöschte Datensätze finden</translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation>Erneut &amp;versuchen</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Tether</source>
        <translation>&amp;Über Tether</translation>
    </message>
    <message>
        <source>About Tether</source>
        <translation>Über Tether</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tether %1&lt;/b&gt;&lt;p&gt;Mirrors a Salesforce org into PostgreSQL and writes back through a Postgres-compatible proxy.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Tether %1&lt;/b&gt;&lt;p&gt;Spiegelt eine Salesforce-Org nach PostgreSQL und schreibt über einen Postgres-kompatiblen Proxy zurück.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>tether::ui::OrgHeader</name>
    <message>
        <source>Connection state</source>
        <translation>Verbindungsstatus</translation>
    </message>
    <message>
        <source>Write-through proxy address</source>
        <translation>Adresse des Durchschreib-Proxys</translation>
    </message>
    <message>
        <source>Copy connection string</source>
        <translation>Verbindungszeichenfolge kopieren</translation>
    </message>
    <message>
        <source>Copy psql command</source>
        <translation>psql-Befehl kopieren</translation>
    </message>
    <message>
        <source>Starting.</source>
        <translation>Startet.</translation>
    </message>
    <message>
        <source>The proxy starts once the sync runs.</source>
        <translation>Der Proxy startet, sobald die Synchronisation läuft.</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>Verbindet</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation>Abgemeldet</translation>
    </message>
    <message>
        <source>No Salesforce org yet</source>
        <translation>Noch keine Salesforce-Org</translation>
    </message>
    <message>
        <source>User: %1</source>
        <translation>Benutzer: %1</translation>
    </message>
    <message>
        <source>Instance: %1</source>
        <translation>Instanz: %1</translation>
    </message>
    <message>
        <source>Not logged in.</source>
        <translation>Nicht angemeldet.</translation>
    </message>
    <message>
        <source>Postgres clients connect to &lt;b&gt;%1&lt;/b&gt; to read the mirror and write through to Salesforce.</source>
        <translation>Postgres-Clients verbinden sich mit &lt;b&gt;%1&lt;/b&gt;, um den Spiegel zu lesen und nach Salesforce durchzuschreiben.</translation>
    </message>
</context>
<context>
    <name>tether::ui::RateLimitSlider</name>
    <message>
        <source>Unlimited · as fast as Salesforce answers · the quota guard still pauses sync near the daily limit</source>
        <translation>Unbegrenzt · so schnell Salesforce antwortet · der Kontingentschutz pausiert die Synchronisation trotzdem nahe am Tageslimit</translation>
    </message>
    <message>
        <source>1 request per minute</source>
        <translation>1 Anfrage pro Minute</translation>
    </message>
    <message>
        <source>1 request every %1 s</source>
        <translation>1 Anfrage alle %1 s</translation>
    </message>
    <message>
        <source>%1 · ≈ %2 a day</source>
        <translation>%1 · ≈ %2 am Tag</translation>
    </message>
    <message>
        <source> · more than your daily quota of %1</source>
        <translation> · mehr als Ihr Tageskontingent von %1</translation>
    </message>
    <message>
        <source> · %1% of your daily quota</source>
        <translation> · %1 % Ihres Tageskontingents</translation>
    </message>
    <message>
        <source>1 / min</source>
        <translation>1 / min</translation>
    </message>
    <message>
        <source>API request rate</source>
        <translation>API-Anfragerate</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>API &amp;rate:</source>
        <translation>API-&amp;Rate:</translation>
    </message>
    <message>
        <source>1 request per second</source>
        <translation>1 Anfrage pro Sekunde</translation>
    </message>
    <message>
        <source>%1 requests per second</source>
        <translation>%1 Anfragen pro Sekunde</translation>
    </message>
</context>
<context>
    <name>tether::ui::TableStatusModel</name>
    <message>
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Backfill</source>
        <translation>Erstabgleich</translation>
    </message>
    <message>
        <source>Records/s</source>
        <translation>Datensätze/s</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <source>Last poll</source>
        <translation>Letzte Abfrage</translation>
    </message>
    <message>
        <source>Freshness</source>
        <translation>Aktualität</translation>
    </message>
    <message>
        <source>API calls</source>
        <translation>API-Aufrufe</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Records copied so far, of the records Salesforce counted, and the time left at the API budget available now.</source>
        <translation>Bisher kopierte Datensätze von den in Salesforce gezählten, und die Restzeit beim jetzt verfügbaren API-Budget.</translation>
    </message>
    <message>
        <source>How far the mirror may be behind Salesforce.</source>
        <translation>Wie weit der Spiegel hinter Salesforce zurück sein kann.</translation>
    </message>
    <message>
        <source>Salesforce API calls this table has cost since Tether started.</source>
        <translation>Salesforce-API-Aufrufe, die diese Tabelle seit dem Start von Tether gekostet hat.</translation>
    </message>
    <message>
        <source>Discovering</source>
        <translation>Erkundet</translation>
    </message>
    <message>
        <source>Backfilling</source>
        <translation>Erstabgleich</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message numerus="yes">
        <source>%n s</source>
        <translation><numerusform>%n s</numerusform><numerusform>%n s</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation><numerusform>%n min</numerusform><numerusform>%n min</numerusform></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message numerus="yes">
        <source>%n days</source>
        <translation><numerusform>%n Tag</numerusform><numerusform>%n Tage</numerusform></translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>vor %1</translation>
    </message>
    <message>
        <source>%1 copied</source>
        <translation>%1 kopiert</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source> · waits for quota</source>
        <translation> · wartet auf Kontingent</translation>
    </message>
    <message>
        <source> · %1 left</source>
        <translation> · noch %1</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>catching up</source>
        <translation>holt auf</translation>
    </message>
    <message>
        <source>within %1</source>
        <translation>innerhalb von %1</translation>
    </message>
    <message>
        <source>behind since %1</source>
        <translation>zurück seit %1</translation>
    </message>
    <message>
        <source>incomplete</source>
        <translation>unvollständig</translation>
    </message>
    <message>
        <source>Backfilling (Bulk API)</source>
        <translation>Erstabgleich (Bulk-API)</translation>
    </message>
    <message>
        <source>Paused for the quota</source>
        <translation>Pausiert wegen Kontingent</translation>
    </message>
    <message>
        <source>Filling new columns</source>
        <translation>Füllt neue Spalten</translation>
    </message>
    <message>
        <source>%1
Tries again at %2.</source>
        <translation>%1
Neuer Versuch um %2.</translation>
    </message>
    <message>
        <source>New columns being filled: %1</source>
        <translation>Neue Spalten werden gefüllt: %1</translation>
    </message>
    <message>
        <source>Object: %1 (table %2)</source>
        <translation>Objekt: %1 (Tabelle %2)</translation>
    </message>
    <message>
        <source>Phase: %1</source>
        <translation>Phase: %1</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>Tries again at: %1</source>
        <translation>Neuer Versuch um: %1</translation>
    </message>
    <message>
        <source>Last poll: %1</source>
        <translation>Letzte Abfrage: %1</translation>
    </message>
    <message>
        <source>Rows in the table: %1</source>
        <translation>Zeilen in der Tabelle: %1</translation>
    </message>
    <message>
        <source>API calls: %1</source>
        <translation>API-Aufrufe: %1</translation>
    </message>
    <message>
        <source>Up to date</source>
        <translation>Aktuell</translation>
    </message>
    <message>
        <source>no records to copy</source>
        <translation>keine Datensätze zu kopieren</translation>
    </message>
</context>
<context>
    <name>EngineController</name>
    <message>
        <source>Could not reset the demo mirror: %1</source>
        <translation>Der Demo-Spiegel konnte nicht zurückgesetzt werden: %1</translation>
    </message>
    <message>
        <source>The demo org was generated at scale %1; it is generated again at scale %2, and the demo mirror starts over.</source>
        <translation>Die Demo-Org wurde im Maßstab %1 erzeugt; sie wird im Maßstab %2 neu erzeugt, und der Demo-Spiegel beginnt von vorn.</translation>
    </message>
</context>
<context>
    <name>tether::lifecycle::EngineController</name>
    <message>
        <source>No Salesforce org is set up yet.</source>
        <translation>Es ist noch keine Salesforce-Org eingerichtet.</translation>
    </message>
    <message>
        <source>Starting again.</source>
        <translation>Startet neu.</translation>
    </message>
    <message>
        <source>Stopping.</source>
        <translation>Wird angehalten.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Angehalten.</translation>
    </message>
    <message>
        <source>Using the PostgreSQL server you named.</source>
        <translation>Der angegebene PostgreSQL-Server wird verwendet.</translation>
    </message>
    <message>
        <source>Starting Tether&apos;s local PostgreSQL.</source>
        <translation>Tethers lokales PostgreSQL wird gestartet.</translation>
    </message>
    <message>
        <source>Could not start Tether&apos;s local PostgreSQL: %1</source>
        <translation>Tethers lokales PostgreSQL konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>PostgreSQL ready; connect with: %1</source>
        <translation>PostgreSQL ist bereit; verbinden mit: %1</translation>
    </message>
    <message>
        <source>The demo org is generated again at scale %1; the mirror in the database you named still holds the records of the earlier demo org. Drop the schemas %2 and tether there to start over.</source>
        <translation>Die Demo-Org wird im Maßstab %1 neu erzeugt; der Spiegel in der angegebenen Datenbank enthält noch die Datensätze der früheren Demo-Org. Löschen Sie dort die Schemas %2 und tether, um von vorn zu beginnen.</translation>
    </message>
    <message>
        <source>Starting the demo Salesforce org (the first start generates it; this takes a moment).</source>
        <translation>Die Demo-Org von Salesforce wird gestartet (der erste Start erzeugt sie; das dauert einen Moment).</translation>
    </message>
    <message>
        <source>The login host is not usable: %1</source>
        <translation>Der Anmelde-Host ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>There is no way to log in to Salesforce configured.</source>
        <translation>Es ist keine Art der Anmeldung bei Salesforce eingerichtet.</translation>
    </message>
    <message>
        <source>Logging in to %1 with %2.</source>
        <translation>Anmeldung bei %1 mit %2.</translation>
    </message>
    <message>
        <source>Salesforce login failed: %1</source>
        <translation>Die Anmeldung bei Salesforce ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Salesforce ended the session: %1</source>
        <translation>Salesforce hat die Sitzung beendet: %1</translation>
    </message>
    <message>
        <source>Logged in to %1 at %2 requests/s.</source>
        <translation>Angemeldet bei %1 mit %2 Anfragen/s.</translation>
    </message>
    <message>
        <source>Syncing.</source>
        <translation>Synchronisiert.</translation>
    </message>
    <message>
        <source>The proxy is off: it needs to reach PostgreSQL over TCP, and the database connection names %1. Give a host name or address in --database.</source>
        <translation>Der Proxy ist aus: Er muss PostgreSQL über TCP erreichen, und die Datenbankverbindung nennt %1. Geben Sie in --database einen Hostnamen oder eine Adresse an.</translation>
    </message>
    <message>
        <source>a local socket</source>
        <translation>einen lokalen Socket</translation>
    </message>
    <message>
        <source>The proxy is off: PostgreSQL is not reached over TCP.</source>
        <translation>Der Proxy ist aus: PostgreSQL wird nicht über TCP erreicht.</translation>
    </message>
    <message>
        <source>The proxy listens on %1:%2.</source>
        <translation>Der Proxy lauscht auf %1:%2.</translation>
    </message>
    <message>
        <source>Write through to Salesforce with: %1</source>
        <translation>Nach Salesforce durchschreiben mit: %1</translation>
    </message>
    <message>
        <source>The proxy is not running: %1</source>
        <translation>Der Proxy läuft nicht: %1</translation>
    </message>
    <message>
        <source>The proxy stopped.</source>
        <translation>Der Proxy wurde beendet.</translation>
    </message>
</context>
<context>
    <name>LocalCluster</name>
    <message>
        <source>The PostgreSQL cluster in %1 was made for the operating-system user %2, and Tether runs as %3, who may not use it. Run Tether as %2, or move %1 away and Tether makes a new cluster there.</source>
        <translation>Der PostgreSQL-Cluster in %1 wurde für den Betriebssystembenutzer %2 angelegt; Tether läuft als %3, der ihn nicht benutzen darf. Starten Sie Tether als %2, oder verschieben Sie %1, dann legt Tether dort einen neuen Cluster an.</translation>
    </message>
</context>
</TS>
