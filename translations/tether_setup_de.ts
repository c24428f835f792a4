<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>BackfillEstimate</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation><numerusform>%n s</numerusform><numerusform>%n s</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation><numerusform>%n min</numerusform><numerusform>%n min</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation><numerusform>%n h</numerusform><numerusform>%n h</numerusform></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 Tag</translation>
    </message>
    <message numerus="yes">
        <source>%n days</source>
        <translation><numerusform>%n Tag</numerusform><numerusform>%n Tage</numerusform></translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>1 request per second</source>
        <translation>1 Anfrage pro Sekunde</translation>
    </message>
    <message numerus="yes">
        <source>%n requests per second</source>
        <translation><numerusform>%n Anfrage pro Sekunde</numerusform><numerusform>%n Anfragen pro Sekunde</numerusform></translation>
    </message>
    <message>
        <source>1 request a minute</source>
        <translation>1 Anfrage pro Minute</translation>
    </message>
    <message numerus="yes">
        <source>1 request every %n minutes</source>
        <translation><numerusform>1 Anfrage pro Minute</numerusform><numerusform>1 Anfrage alle %n Minuten</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>1 request every %n s</source>
        <translation><numerusform>1 Anfrage alle %n s</numerusform><numerusform>1 Anfrage alle %n s</numerusform></translation>
    </message>
    <message>
        <source>≈ 1 call</source>
        <translation>≈ 1 Aufruf</translation>
    </message>
    <message numerus="yes">
        <source>≈ %n calls</source>
        <translation><numerusform>≈ %n Aufruf</numerusform><numerusform>≈ %n Aufrufe</numerusform></translation>
    </message>
    <message>
        <source>%1, as fast as Salesforce answers</source>
        <translation>%1, so schnell Salesforce antwortet</translation>
    </message>
    <message>
        <source>%1, about %2 at %3</source>
        <translation>%1, etwa %2 bei %3</translation>
    </message>
    <message>
        <source>unlimited · your daily quota is %1 calls</source>
        <translation>unbegrenzt · Ihr Tageskontingent beträgt %1 Aufrufe</translation>
    </message>
    <message>
        <source>%1 · ≈ %2 a day</source>
        <translation>%1 · ≈ %2 am Tag</translation>
    </message>
    <message>
        <source> · %1% of your daily quota</source>
        <translation> · %1 % Ihres Tageskontingents</translation>
    </message>
</context>
<context>
    <name>DesktopSettings</name>
    <message>
        <source>the database connection</source>
        <translation>die Datenbankverbindung</translation>
    </message>
    <message>
        <source>the schema name</source>
        <translation>den Schemanamen</translation>
    </message>
    <message>
        <source>the longest polling interval</source>
        <translation>das längste Abfrageintervall</translation>
    </message>
    <message>
        <source>what happens to removed fields</source>
        <translation>den Umgang mit entfernten Feldern</translation>
    </message>
    <message>
        <source>the proxy</source>
        <translation>den Proxy</translation>
    </message>
</context>
<context>
    <name>DesktopStart</name>
    <message>
        <source>the login just made</source>
        <translation>der gerade erfolgten Anmeldung</translation>
    </message>
    <message>
        <source>the current login</source>
        <translation>der aktuellen Anmeldung</translation>
    </message>
    <message>
        <source>You revoked Tether's access to Salesforce. Log in again to go on syncing.</source>
        <translation>Sie haben Tethers Zugriff auf Salesforce widerrufen. Melden Sie sich wieder an, um weiter zu synchronisieren.</translation>
    </message>
    <message>
        <source>You logged out. Log in again to go on syncing.</source>
        <translation>Sie haben sich abgemeldet. Melden Sie sich wieder an, um weiter zu synchronisieren.</translation>
    </message>
</context>
<context>
    <name>tether::ui::DatabaseForm</name>
    <message>
        <source>Give the schema a name, for example salesforce.</source>
        <translation>Geben Sie dem Schema einen Namen, zum Beispiel salesforce.</translation>
    </message>
    <message>
        <source>Use lower-case letters, digits and _ (starting with a letter), at most 63 characters.</source>
        <translation>Verwenden Sie Kleinbuchstaben, Ziffern und _ (beginnend mit einem Buchstaben), höchstens 63 Zeichen.</translation>
    </message>
    <message>
        <source>%1 is reserved; choose another name.</source>
        <translation>%1 ist reserviert; wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>&amp;Managed by Tether (recommended)</source>
        <translation>Von Tether &amp;verwaltet (empfohlen)</translation>
    </message>
    <message>
        <source>Tether runs its own PostgreSQL in its data folder, starts and stops it with the sync. Nothing to install or configure.</source>
        <translation>Tether betreibt ein eigenes PostgreSQL in seinem Datenordner und startet und stoppt es mit der Synchronisation. Nichts zu installieren oder einzurichten.</translation>
    </message>
    <message>
        <source>An &amp;existing PostgreSQL server</source>
        <translation>Ein &amp;vorhandener PostgreSQL-Server</translation>
    </message>
    <message>
        <source>kept in the system keychain</source>
        <translation>im Schlüsselbund des Systems gespeichert</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Datenbank:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>&amp;SSL mode:</source>
        <translation>&amp;SSL-Modus:</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Sc&amp;hema for the mirrored tables:</source>
        <translation>Sc&amp;hema für die gespiegelten Tabellen:</translation>
    </message>
    <message>
        <source>Name the server's host.</source>
        <translation>Geben Sie den Host des Servers an.</translation>
    </message>
    <message>
        <source>Name the database on the server.</source>
        <translation>Geben Sie die Datenbank auf dem Server an.</translation>
    </message>
    <message>
        <source>Name the user Tether connects as.</source>
        <translation>Geben Sie den Benutzer an, mit dem sich Tether verbindet.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
</context>
<context>
    <name>tether::ui::DatabaseProbe</name>
    <message>
        <source>Could not connect: %1</source>
        <translation>Keine Verbindung möglich: %1</translation>
    </message>
    <message>
        <source>Connected, but the server did not say its version: %1</source>
        <translation>Verbunden, aber der Server nannte seine Version nicht: %1</translation>
    </message>
    <message>
        <source>Connected: %1</source>
        <translation>Verbunden: %1</translation>
    </message>
</context>
<context>
    <name>tether::ui::ObjectListModel</name>
    <message>
        <source>custom</source>
        <translation>benutzerdefiniert</translation>
    </message>
    <message>
        <source>A custom object of your org</source>
        <translation>Ein benutzerdefiniertes Objekt Ihrer Org</translation>
    </message>
    <message>
        <source>counting…</source>
        <translation>wird gezählt …</translation>
    </message>
    <message>
        <source>mirrored</source>
        <translation>gespiegelt</translation>
    </message>
    <message>
        <source>not counted</source>
        <translation>nicht gezählt</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>API name</source>
        <translation>API-Name</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Datensätze</translation>
    </message>
    <message>
        <source>Mirrored already. Remove it from the dashboard.</source>
        <translation>Wird bereits gespiegelt. Entfernen Sie es im Dashboard.</translation>
    </message>
</context>
<context>
    <name>tether::ui::ObjectsPage</name>
    <message>
        <source>Objects</source>
        <translation>Objekte</translation>
    </message>
    <message>
        <source>Choose what to mirror. Each object becomes one table; you can add or remove objects later.</source>
        <translation>Wählen Sie, was gespiegelt wird. Jedes Objekt wird eine Tabelle; Sie können später Objekte hinzufügen oder entfernen.</translation>
    </message>
    <message>
        <source>Tick the objects to add. The ones mirrored already stay ticked; the new ones are backfilled as soon as you choose Finish.</source>
        <translation>Haken Sie die Objekte an, die hinzukommen sollen. Bereits gespiegelte bleiben angehakt; die neuen werden geladen, sobald Sie den Dialog abschließen.</translation>
    </message>
    <message>
        <source>Search by label or API name</source>
        <translation>Nach Bezeichnung oder API-Name suchen</translation>
    </message>
    <message>
        <source>Search objects</source>
        <translation>Objekte suchen</translation>
    </message>
    <message>
        <source>&amp;Default selection</source>
        <translation>&amp;Standardauswahl</translation>
    </message>
    <message>
        <source>Objects of the org</source>
        <translation>Objekte der Org</translation>
    </message>
    <message>
        <source>Log in first: the objects come from the org.</source>
        <translation>Melden Sie sich zuerst an: Die Objekte kommen aus der Org.</translation>
    </message>
    <message>
        <source>Reading the org's objects…</source>
        <translation>Lese die Objekte der Org …</translation>
    </message>
    <message>
        <source>Could not read the org's objects: %1 Go back and forth to try again.</source>
        <translation>Die Objekte der Org konnten nicht gelesen werden: %1 Gehen Sie zurück und wieder vor, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <source>1 object can be mirrored.</source>
        <translation>1 Objekt kann gespiegelt werden.</translation>
    </message>
    <message numerus="yes">
        <source>%n objects can be mirrored.</source>
        <translation><numerusform>%n Objekt kann gespiegelt werden.</numerusform><numerusform>%n Objekte können gespiegelt werden.</numerusform></translation>
    </message>
    <message>
        <source>Salesforce gave no answer for it.</source>
        <translation>Salesforce hat dafür keine Antwort gegeben.</translation>
    </message>
    <message>
        <source>Choose at least one object.</source>
        <translation>Wählen Sie mindestens ein Objekt.</translation>
    </message>
    <message>
        <source>1 object selected: </source>
        <translation>1 Objekt ausgewählt: </translation>
    </message>
    <message numerus="yes">
        <source>%n objects selected: </source>
        <translation><numerusform>%n Objekt ausgewählt: </numerusform><numerusform>%n Objekte ausgewählt: </numerusform></translation>
    </message>
    <message numerus="yes">
        <source>(Still counting %n of them.)</source>
        <translation><numerusform>(%n davon wird noch gezählt.)</numerusform><numerusform>(%n davon werden noch gezählt.)</numerusform></translation>
    </message>
    <message>
        <source>The backfill of the chosen object takes %1.</source>
        <translation>Die Erstbefüllung des gewählten Objekts braucht %1.</translation>
    </message>
    <message numerus="yes">
        <source>The backfill of the %n chosen objects takes %1.</source>
        <translation><numerusform>Die Erstbefüllung des gewählten Objekts braucht %1.</numerusform><numerusform>Die Erstbefüllung der %n gewählten Objekte braucht %1.</numerusform></translation>
    </message>
</context>
<context>
    <name>tether::ui::RatePage</name>
    <message>
        <source>Rate</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <source>Every call Tether makes counts against your org's daily API quota, which other integrations share. Choose how fast Tether may call; you can change it any time from the main window.</source>
        <translation>Jeder Aufruf von Tether zählt gegen das tägliche API-Kontingent Ihrer Org, das sich andere Integrationen teilen. Wählen Sie, wie schnell Tether aufrufen darf; im Hauptfenster können Sie es jederzeit ändern.</translation>
    </message>
    <message>
        <source>Requests to Salesforce</source>
        <translation>Anfragen an Salesforce</translation>
    </message>
    <message>
        <source>1 a minute</source>
        <translation>1 pro Minute</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Your org's daily quota: %1 API calls; %2 used in the last 24 hours. Background sync pauses at 80% of it so that writes keep working.</source>
        <translation>Tageskontingent Ihrer Org: %1 API-Aufrufe; %2 in den letzten 24 Stunden verbraucht. Die Hintergrundsynchronisation pausiert bei 80 % davon, damit Schreibvorgänge weiter funktionieren.</translation>
    </message>
    <message>
        <source>The demo org has a daily quota of its own, shown in the main window once it runs.</source>
        <translation>Die Demo-Org hat ein eigenes Tageskontingent; das Hauptfenster zeigt es, sobald sie läuft.</translation>
    </message>
    <message>
        <source>The org's daily quota is shown once Salesforce has told it.</source>
        <translation>Das Tageskontingent der Org erscheint, sobald Salesforce es mitgeteilt hat.</translation>
    </message>
    <message>
        <source>At this rate Tether alone would reach that pause within %1 of steady syncing; choose a slower rate unless the org's quota is meant for Tether.</source>
        <translation>Bei diesem Tempo erreicht Tether allein diese Pause nach %1 ununterbrochener Synchronisation; wählen Sie ein langsameres Tempo, sofern das Kontingent der Org nicht für Tether gedacht ist.</translation>
    </message>
</context>
<context>
    <name>tether::ui::SalesforcePage</name>
    <message>
        <source>Salesforce</source>
        <translation>Salesforce</translation>
    </message>
    <message>
        <source>Log in to the org Tether mirrors. Your browser opens Salesforce's own login page; Tether never sees your password.</source>
        <translation>Melden Sie sich bei der Org an, die Tether spiegelt. Ihr Browser öffnet die Anmeldeseite von Salesforce; Tether sieht Ihr Passwort nie.</translation>
    </message>
    <message>
        <source>Where does your org live?</source>
        <translation>Wo befindet sich Ihre Org?</translation>
    </message>
    <message>
        <source>&amp;Production (login.salesforce.com)</source>
        <translation>&amp;Produktion (login.salesforce.com)</translation>
    </message>
    <message>
        <source>&amp;Sandbox (test.salesforce.com)</source>
        <translation>&amp;Sandbox (test.salesforce.com)</translation>
    </message>
    <message>
        <source>&amp;My Domain:</source>
        <translation>&amp;My Domain:</translation>
    </message>
    <message>
        <source>My Domain address</source>
        <translation>My-Domain-Adresse</translation>
    </message>
    <message>
        <source>&amp;Advanced: log in through my own connected app</source>
        <translation>&amp;Erweitert: über meine eigene verbundene App anmelden</translation>
    </message>
    <message>
        <source>Your org's connected app (this build of Tether has none of its own)</source>
        <translation>Die verbundene App Ihrer Org (dieser Build von Tether hat keine eigene)</translation>
    </message>
    <message>
        <source>Consumer key of the connected app</source>
        <translation>Consumer Key der verbundenen App</translation>
    </message>
    <message>
        <source>Consumer key</source>
        <translation>Consumer Key</translation>
    </message>
    <message>
        <source>Its callback URL must be http://localhost:1717/OauthRedirect, with PKCE allowed.</source>
        <translation>Ihre Callback-URL muss http://localhost:1717/OauthRedirect sein, mit erlaubtem PKCE.</translation>
    </message>
    <message>
        <source>&amp;Log in…</source>
        <translation>&amp;Anmelden …</translation>
    </message>
    <message>
        <source>Cancel login</source>
        <translation>Anmeldung abbrechen</translation>
    </message>
    <message>
        <source>Waiting for the browser</source>
        <translation>Warte auf den Browser</translation>
    </message>
    <message>
        <source>No Salesforce account at hand? Explore Tether with a simulated org on this computer.</source>
        <translation>Kein Salesforce-Konto zur Hand? Probieren Sie Tether mit einer simulierten Org auf diesem Computer aus.</translation>
    </message>
    <message>
        <source>Try it with a &amp;demo org</source>
        <translation>Mit einer &amp;Demo-Org ausprobieren</translation>
    </message>
    <message>
        <source>Type your My Domain, for example acme.my.salesforce.com.</source>
        <translation>Geben Sie Ihre My Domain ein, zum Beispiel acme.my.salesforce.com.</translation>
    </message>
    <message>
        <source>This is not an address Salesforce logs in at.</source>
        <translation>Unter dieser Adresse meldet Salesforce nicht an.</translation>
    </message>
    <message>
        <source>Paste the consumer key of your connected app, or turn Advanced off to use Tether's own.</source>
        <translation>Fügen Sie den Consumer Key Ihrer verbundenen App ein, oder schalten Sie „Erweitert“ aus, um Tethers eigene zu verwenden.</translation>
    </message>
    <message>
        <source>Paste the consumer key of a connected app in your org (your Salesforce admin can create one).</source>
        <translation>Fügen Sie den Consumer Key einer verbundenen App Ihrer Org ein (Ihr Salesforce-Admin kann eine anlegen).</translation>
    </message>
    <message>
        <source>Waiting for you to log in in the browser window that just opened (at %1). Come back here when Salesforce says you can close the tab.</source>
        <translation>Warte auf Ihre Anmeldung im gerade geöffneten Browserfenster (bei %1). Kommen Sie hierher zurück, wenn Salesforce sagt, dass Sie den Tab schließen können.</translation>
    </message>
    <message>
        <source>The login was cancelled. Log in again when you are ready.</source>
        <translation>Die Anmeldung wurde abgebrochen. Melden Sie sich an, wenn Sie so weit sind.</translation>
    </message>
    <message>
        <source>Logged in as %1 to org %2 on %3.</source>
        <translation>Angemeldet als %1 bei Org %2 auf %3.</translation>
    </message>
    <message>
        <source>Logged in as %1 to %2 (org %3) on %4.</source>
        <translation>Angemeldet als %1 bei %2 (Org %3) auf %4.</translation>
    </message>
    <message>
        <source>The login could not be kept for the next start, so Tether will ask again then: %1</source>
        <translation>Die Anmeldung konnte nicht für den nächsten Start gespeichert werden, daher fragt Tether dann erneut: %1</translation>
    </message>
    <message>
        <source>Tether will run a simulated org with 100,000 Accounts, 300,000 Contacts and more, which keeps changing a few records per second. Nothing leaves this computer.</source>
        <translation>Tether betreibt eine simulierte Org mit 100.000 Accounts, 300.000 Contacts und mehr, die laufend einige Datensätze pro Sekunde ändert. Nichts verlässt diesen Computer.</translation>
    </message>
</context>
<context>
    <name>tether::ui::SettingsDialog</name>
    <message>
        <source>Tether Settings</source>
        <translation>Tether-Einstellungen</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>Einstellungsseiten</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Synchronisation</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Requests to Salesforce</source>
        <translation>Anfragen an Salesforce</translation>
    </message>
    <message>
        <source>&amp;Requests to Salesforce:</source>
        <translation>&amp;Anfragen an Salesforce:</translation>
    </message>
    <message>
        <source>&amp;Pause background sync at:</source>
        <translation>Hintergrundsynchronisation &amp;pausieren bei:</translation>
    </message>
    <message>
        <source>of the org's daily API quota, so that writes and other integrations keep working.</source>
        <translation>des täglichen API-Kontingents der Org, damit Schreibvorgänge und andere Integrationen weiter funktionieren.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>&amp;Longest polling interval:</source>
        <translation>&amp;Längstes Abfrageintervall:</translation>
    </message>
    <message>
        <source>A table that has not changed is asked again at least this often.</source>
        <translation>Eine unveränderte Tabelle wird mindestens so oft erneut abgefragt.</translation>
    </message>
    <message>
        <source>Keep the column, marked as removed</source>
        <translation>Spalte behalten, als entfernt markiert</translation>
    </message>
    <message>
        <source>Drop the column</source>
        <translation>Spalte löschen</translation>
    </message>
    <message>
        <source>A field removed in Salesforce:</source>
        <translation>Ein in Salesforce entferntes Feld:</translation>
    </message>
    <message>
        <source>&amp;Run the write-through proxy</source>
        <translation>Den Durchschreib-Proxy &amp;betreiben</translation>
    </message>
    <message>
        <source>Postgres clients connect to the proxy instead of the database; their writes to mirrored tables reach Salesforce before they are committed.</source>
        <translation>Postgres-Clients verbinden sich mit dem Proxy statt mit der Datenbank; ihre Schreibvorgänge in gespiegelte Tabellen erreichen Salesforce, bevor sie festgeschrieben werden.</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation>ein freier Port</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;Listen address:</source>
        <translation>&amp;Lauschadresse:</translation>
    </message>
    <message>
        <source>PEM file; needed off this computer</source>
        <translation>PEM-Datei; nötig außerhalb dieses Computers</translation>
    </message>
    <message>
        <source>TLS &amp;certificate:</source>
        <translation>TLS-&amp;Zertifikat:</translation>
    </message>
    <message>
        <source>TLS &amp;key:</source>
        <translation>TLS-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <source>Forget the login on this computer; the sync stops until you log in again.</source>
        <translation>Die Anmeldung auf diesem Computer vergessen; die Synchronisation ruht, bis Sie sich wieder anmelden.</translation>
    </message>
    <message>
        <source>&amp;Switch org…</source>
        <translation>Org &amp;wechseln …</translation>
    </message>
    <message>
        <source>Stop the sync and set Tether up for another org.</source>
        <translation>Die Synchronisation beenden und Tether für eine andere Org einrichten.</translation>
    </message>
    <message>
        <source>&amp;Revoke access</source>
        <translation>Zugriff &amp;widerrufen</translation>
    </message>
    <message>
        <source>Tell Salesforce to end Tether's access for good (the login stops working everywhere) and log out.</source>
        <translation>Salesforce anweisen, Tethers Zugriff endgültig zu beenden (die Anmeldung funktioniert nirgends mehr), und abmelden.</translation>
    </message>
    <message>
        <source>The system's language</source>
        <translation>Sprache des Systems</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>Takes effect the next time Tether starts.</source>
        <translation>Wirkt beim nächsten Start von Tether.</translation>
    </message>
    <message>
        <source>Tether syncs the demo org, a simulated org on this computer.</source>
        <translation>Tether synchronisiert die Demo-Org, eine simulierte Org auf diesem Computer.</translation>
    </message>
    <message>
        <source>Logged in as %1 to org %2 on %3.</source>
        <translation>Angemeldet als %1 bei Org %2 auf %3.</translation>
    </message>
    <message>
        <source>(unknown user)</source>
        <translation>(unbekannter Benutzer)</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(unbekannt)</translation>
    </message>
    <message>
        <source>Give an IP address to listen on, such as 127.0.0.1 (this computer only) or 0.0.0.0 (every network).</source>
        <translation>Geben Sie eine IP-Adresse zum Lauschen an, etwa 127.0.0.1 (nur dieser Computer) oder 0.0.0.0 (jedes Netz).</translation>
    </message>
    <message>
        <source>Off this computer the proxy only accepts encrypted connections: give a TLS certificate and key.</source>
        <translation>Außerhalb dieses Computers nimmt der Proxy nur verschlüsselte Verbindungen an: Geben Sie ein TLS-Zertifikat und einen Schlüssel an.</translation>
    </message>
    <message>
        <source>Tether cannot read %1.</source>
        <translation>Tether kann %1 nicht lesen.</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Nicht übernommen: %1</translation>
    </message>
    <message>
        <source>The sync restarts to apply %1.</source>
        <translation>Die Synchronisation startet neu, um %1 zu übernehmen.</translation>
    </message>
    <message>
        <source>The language changes the next time Tether starts.</source>
        <translation>Die Sprache wechselt beim nächsten Start von Tether.</translation>
    </message>
    <message>
        <source>Applied.</source>
        <translation>Übernommen.</translation>
    </message>
</context>
<context>
    <name>tether::ui::SetupAssistant</name>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Where the mirror lives. Any PostgreSQL client reads it; writes go through Tether's proxy so Salesforce accepts them first.</source>
        <translation>Wo der Spiegel liegt. Jeder PostgreSQL-Client kann ihn lesen; Schreibvorgänge laufen über Tethers Proxy, damit Salesforce sie zuerst annimmt.</translation>
    </message>
    <message>
        <source>Set up Tether</source>
        <translation>Tether einrichten</translation>
    </message>
    <message>
        <source>Add objects</source>
        <translation>Objekte hinzufügen</translation>
    </message>
    <message>
        <source>Log in to Salesforce again</source>
        <translation>Erneut bei Salesforce anmelden</translation>
    </message>
</context>
</TS>