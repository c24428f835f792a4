<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>tether::ui::ConflictDialog</name>
    <message>
        <source>Record changed in Salesforce</source>
        <translation>Datensatz in Salesforce geändert</translation>
    </message>
    <message>
        <source>Record %1 was changed in Salesforce after you loaded it, so your changes were not saved. Compare and choose: reload Salesforce&apos;s version (your changes to this record are dropped), or apply yours over it.</source>
        <translation>Datensatz %1 wurde in Salesforce geändert, nachdem Sie ihn geladen haben; Ihre Änderungen wurden daher nicht gespeichert. Vergleichen und wählen Sie: die Fassung aus Salesforce neu laden (Ihre Änderungen an diesem Datensatz werden verworfen) oder Ihre darüber anwenden.</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>When loaded</source>
        <translation>Beim Laden</translation>
    </message>
    <message>
        <source>Now in Salesforce</source>
        <translation>Jetzt in Salesforce</translation>
    </message>
    <message>
        <source>Yours</source>
        <translation>Ihre</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(leer)</translation>
    </message>
    <message>
        <source>Reload (drop my changes)</source>
        <translation>Neu laden (meine Änderungen verwerfen)</translation>
    </message>
    <message>
        <source>Apply mine</source>
        <translation>Meine anwenden</translation>
    </message>
</context>
<context>
    <name>tether::ui::GridEditor</name>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Send every staged change to Salesforce as one transaction (Ctrl+S)</source>
        <translation>Alle vorgemerkten Änderungen als eine Transaktion an Salesforce senden (Strg+S)</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Discard every staged change</source>
        <translation>Alle vorgemerkten Änderungen verwerfen</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Insert row</source>
        <translation>Zeile einfügen</translation>
    </message>
    <message>
        <source>Duplicate row</source>
        <translation>Zeile duplizieren</translation>
    </message>
    <message>
        <source>Delete rows</source>
        <translation>Zeilen löschen</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>Einfügen</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Open in Salesforce</source>
        <translation>In Salesforce öffnen</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Filter row</source>
        <translation>Filterzeile</translation>
    </message>
    <message>
        <source>Search text fields…</source>
        <translation>Textfelder durchsuchen…</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filter entfernen</translation>
    </message>
    <message>
        <source>Filter row (Ctrl+Shift+F): a condition per column; Enter applies it</source>
        <translation>Filterzeile (Strg+Umschalt+F): eine Bedingung je Spalte; die Eingabetaste wendet sie an</translation>
    </message>
    <message>
        <source>SQL:</source>
        <translation>SQL:</translation>
    </message>
    <message>
        <source>Copy SQL</source>
        <translation>SQL kopieren</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to %1.</source>
        <translation>
            <numerusform>%n Zeile nach %1 exportiert.</numerusform>
            <numerusform>%n Zeilen nach %1 exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>The export to %1 failed after %2 rows: %3</source>
        <translation>Der Export nach %1 ist nach %2 Zeilen fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>Saving… (waiting for Salesforce)</source>
        <translation>Speichern… (wartet auf Salesforce)</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n record(s) to Salesforce.</source>
        <translation>
            <numerusform>%n Datensatz in Salesforce gespeichert.</numerusform>
            <numerusform>%n Datensätze in Salesforce gespeichert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Record %1, field %2: </source>
        <translation>Datensatz %1, Feld %2: </translation>
    </message>
    <message>
        <source>(new)</source>
        <translation>(neu)</translation>
    </message>
    <message>
        <source>Record %1: </source>
        <translation>Datensatz %1: </translation>
    </message>
    <message>
        <source>Not saved; your changes are still staged.</source>
        <translation>Nicht gespeichert; Ihre Änderungen sind weiterhin vorgemerkt.</translation>
    </message>
    <message>
        <source>Salesforce did not accept the changes; nothing was saved. %1%2</source>
        <translation>Salesforce hat die Änderungen nicht angenommen; nichts wurde gespeichert. %1%2</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>%1 Zeilen</translation>
    </message>
    <message>
        <source>%1+ rows</source>
        <translation>%1+ Zeilen</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) to write on Save: more than the %1 Salesforce applies in one transaction, so the proxy will refuse it; save in parts</source>
        <translation>
            <numerusform>%n Datensatz beim Speichern: mehr als die %1, die Salesforce in einer Transaktion übernimmt, daher lehnt der Proxy ihn ab; bitte in Teilen speichern</numerusform>
            <numerusform>%n Datensätze beim Speichern: mehr als die %1, die Salesforce in einer Transaktion übernimmt, daher lehnt der Proxy sie ab; bitte in Teilen speichern</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) to write on Save (%1)</source>
        <translation>
            <numerusform>%n Datensatz wird beim Speichern geschrieben (%1)</numerusform>
            <numerusform>%n Datensätze werden beim Speichern geschrieben (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n API call(s)</source>
        <translation>
            <numerusform>%n API-Aufruf</numerusform>
            <numerusform>%n API-Aufrufe</numerusform>
        </translation>
    </message>
    <message>
        <source>no staged changes</source>
        <translation>keine vorgemerkten Änderungen</translation>
    </message>
    <message>
        <source>Tether</source>
        <translation>Tether</translation>
    </message>
    <message numerus="yes">
        <source>Discard %n staged change(s)? Nothing has been written yet.</source>
        <translation>
            <numerusform>%n vorgemerkte Änderung verwerfen? Noch wurde nichts geschrieben.</numerusform>
            <numerusform>%n vorgemerkte Änderungen verwerfen? Noch wurde nichts geschrieben.</numerusform>
        </translation>
    </message>
    <message>
        <source>Staged changes discarded.</source>
        <translation>Vorgemerkte Änderungen verworfen.</translation>
    </message>
    <message numerus="yes">
        <source>Mark %n row(s) for deletion? They are deleted in Salesforce when you save.</source>
        <translation>
            <numerusform>%n Zeile zum Löschen vormerken? Sie wird beim Speichern in Salesforce gelöscht.</numerusform>
            <numerusform>%n Zeilen zum Löschen vormerken? Sie werden beim Speichern in Salesforce gelöscht.</numerusform>
        </translation>
    </message>
    <message>
        <source>Pasted %1 cells; %2 skipped (read-only or outside the table).</source>
        <translation>%1 Zellen eingefügt; %2 übersprungen (schreibgeschützt oder außerhalb der Tabelle).</translation>
    </message>
    <message>
        <source>Pasted %1 cells.</source>
        <translation>%1 Zellen eingefügt.</translation>
    </message>
    <message>
        <source>The filter row was not applied: %1</source>
        <translation>Die Filterzeile wurde nicht angewendet: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n staged record(s) stay staged, also where the filter hides them.</source>
        <translation>
            <numerusform>%n vorgemerkter Datensatz bleibt vorgemerkt, auch wenn der Filter ihn ausblendet.</numerusform>
            <numerusform>%n vorgemerkte Datensätze bleiben vorgemerkt, auch wo der Filter sie ausblendet.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 contains “%2”</source>
        <translation>%1 enthält „%2“</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Filter %1…</source>
        <translation>%1 filtern…</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Condition for %1 (= x, &gt; 5, like a%, is null; other text: contains it):</source>
        <translation>Bedingung für %1 (= x, &gt; 5, like a%, is null; anderer Text: enthält ihn):</translation>
    </message>
    <message>
        <source>The filter on %1 was not applied: %2</source>
        <translation>Der Filter auf %1 wurde nicht angewendet: %2</translation>
    </message>
    <message>
        <source>Hide %1</source>
        <translation>%1 ausblenden</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Spalten</translation>
    </message>
    <message>
        <source>Reloaded Salesforce&apos;s version of %1.</source>
        <translation>Fassung von %1 aus Salesforce neu geladen.</translation>
    </message>
    <message>
        <source>Export to CSV</source>
        <translation>Als CSV exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Export läuft…</translation>
    </message>
    <message>
        <source>Salesforce is still applying the save; wait for its answer before closing.</source>
        <translation>Salesforce wendet die Speicherung noch an; warten Sie vor dem Schließen auf die Antwort.</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) have staged changes that are not saved. Save them to Salesforce, discard them, or stay?</source>
        <translation>
            <numerusform>%n Datensatz hat vorgemerkte, nicht gespeicherte Änderungen. In Salesforce speichern, verwerfen oder bleiben?</numerusform>
            <numerusform>%n Datensätze haben vorgemerkte, nicht gespeicherte Änderungen. In Salesforce speichern, verwerfen oder bleiben?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tether::ui::GridFilterHeader</name>
    <message>
        <source>e.g. &gt; 100</source>
        <translation>z. B. &gt; 100</translation>
    </message>
    <message>
        <source>= true / = false</source>
        <translation>= true / = false</translation>
    </message>
    <message>
        <source>e.g. &gt;= 2024-01-31</source>
        <translation>z. B. &gt;= 2024-01-31</translation>
    </message>
    <message>
        <source>contains…</source>
        <translation>enthält…</translation>
    </message>
    <message>
        <source>Filter %1</source>
        <translation>Filter %1</translation>
    </message>
    <message>
        <source>Condition for %1: = x, &lt;&gt; x, &gt; 5, &lt;= 5, like a%, ilike a%, is null, is not null; other text: contains it. Enter applies the filter row, Escape empties the cell.</source>
        <translation>Bedingung für %1: = x, &lt;&gt; x, &gt; 5, &lt;= 5, like a%, ilike a%, is null, is not null; anderer Text: enthält ihn. Die Eingabetaste wendet die Filterzeile an, Esc leert die Zelle.</translation>
    </message>
</context>
<context>
    <name>tether::ui::GridLookupEditor</name>
    <message>
        <source>Search %1 by name, or type an Id</source>
        <translation>%1 nach Name suchen oder eine Id eingeben</translation>
    </message>
    <message>
        <source>Name or Id…</source>
        <translation>Name oder Id…</translation>
    </message>
    <message>
        <source>Id…</source>
        <translation>Id…</translation>
    </message>
    <message>
        <source>Records found for %1</source>
        <translation>Gefundene Datensätze für %1</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(ohne Namen)</translation>
    </message>
    <message>
        <source>%1 — %2 (%3)</source>
        <translation>%1 — %2 (%3)</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Searching is not available here; type or paste an Id.</source>
        <translation>Suchen ist hier nicht möglich; geben Sie eine Id ein oder fügen Sie sie ein.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is not synced, so its records cannot be searched here; type or paste an Id.</source>
        <translation>
            <numerusform>%1 wird nicht synchronisiert, seine Datensätze lassen sich hier also nicht suchen; geben Sie eine Id ein oder fügen Sie sie ein.</numerusform>
            <numerusform>%1 werden nicht synchronisiert, ihre Datensätze lassen sich hier also nicht suchen; geben Sie eine Id ein oder fügen Sie sie ein.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 has no Name to search by; type or paste an Id.</source>
        <translation>
            <numerusform>%1 hat keinen Namen, nach dem sich suchen ließe; geben Sie eine Id ein oder fügen Sie sie ein.</numerusform>
            <numerusform>%1 haben keinen Namen, nach dem sich suchen ließe; geben Sie eine Id ein oder fügen Sie sie ein.</numerusform>
        </translation>
    </message>
    <message>
        <source>Searches %1.</source>
        <translation>Sucht in %1.</translation>
    </message>
    <message>
        <source>Empty: the field will refer to no record.</source>
        <translation>Leer: Das Feld verweist dann auf keinen Datensatz.</translation>
    </message>
    <message>
        <source>%1 must refer to a record; it cannot be emptied.</source>
        <translation>%1 muss auf einen Datensatz verweisen; das Feld kann nicht geleert werden.</translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation>Die Suche ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft…</translation>
    </message>
    <message>
        <source>No synced record has this Id; it is taken as typed.</source>
        <translation>Kein synchronisierter Datensatz hat diese Id; sie wird wie eingegeben übernommen.</translation>
    </message>
    <message>
        <source>This is no Salesforce Id (15 or 18 letters and digits).</source>
        <translation>Das ist keine Salesforce-Id (15 oder 18 Buchstaben und Ziffern).</translation>
    </message>
    <message>
        <source>No record whose Name contains “%1”.</source>
        <translation>Kein Datensatz, dessen Name „%1“ enthält.</translation>
    </message>
    <message>
        <source>Up/Down to mark a record, Enter to take it.</source>
        <translation>Pfeil auf/ab markiert einen Datensatz, die Eingabetaste übernimmt ihn.</translation>
    </message>
</context>
<context>
    <name>tether::ui::GridModel</name>
    <message>
        <source>Change %1</source>
        <translation>%1 ändern</translation>
    </message>
    <message>
        <source>Insert row</source>
        <translation>Zeile einfügen</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n row(s)</source>
        <translation>
            <numerusform>%n Zeile löschen</numerusform>
            <numerusform>%n Zeilen löschen</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not load rows of %1: %2</source>
        <translation>Zeilen von %1 konnten nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>wird geladen…</translation>
    </message>
    <message>
        <source>Staged; was: %1</source>
        <translation>Vorgemerkt; vorher: %1</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(leer)</translation>
    </message>
    <message>
        <source>Salesforce does not accept values for %1 (read-only).</source>
        <translation>Salesforce nimmt für %1 keine Werte an (schreibgeschützt).</translation>
    </message>
    <message>
        <source>%1 — %2 (%3)</source>
        <translation>%1 — %2 (%3)</translation>
    </message>
    <message>
        <source>not described</source>
        <translation>nicht beschrieben</translation>
    </message>
    <message>
        <source>Required for new records.</source>
        <translation>Pflichtfeld für neue Datensätze.</translation>
    </message>
    <message>
        <source>Read-only: Salesforce does not accept values for this field.</source>
        <translation>Schreibgeschützt: Salesforce nimmt für dieses Feld keine Werte an.</translation>
    </message>
    <message>
        <source>Can be set on new records only.</source>
        <translation>Kann nur bei neuen Datensätzen gesetzt werden.</translation>
    </message>
    <message>
        <source>Refers to %1</source>
        <translation>Verweist auf %1</translation>
    </message>
    <message>
        <source>New record, created on Save</source>
        <translation>Neuer Datensatz, wird beim Speichern angelegt</translation>
    </message>
    <message>
        <source>Deleted on Save</source>
        <translation>Wird beim Speichern gelöscht</translation>
    </message>
    <message>
        <source>Changed; written on Save</source>
        <translation>Geändert; wird beim Speichern geschrieben</translation>
    </message>
    <message>
        <source>Duplicate row</source>
        <translation>Zeile duplizieren</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>Einfügen</translation>
    </message>
    <message>
        <source>The connection to Tether&apos;s proxy broke while Salesforce was applying the changes, so it is not known whether they were saved (%1). Your changes are still staged: look at the records after the next sync before saving again.</source>
        <translation>Die Verbindung zu Tethers Proxy brach ab, während Salesforce die Änderungen anwandte; ob sie gespeichert wurden, ist unbekannt (%1). Ihre Änderungen sind weiterhin vorgemerkt: Prüfen Sie die Datensätze nach der nächsten Synchronisation, bevor Sie erneut speichern.</translation>
    </message>
    <message>
        <source>The record could not be read again (%1); it may have been deleted in Salesforce.</source>
        <translation>Der Datensatz konnte nicht erneut gelesen werden (%1); vielleicht wurde er in Salesforce gelöscht.</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>nicht gefunden</translation>
    </message>
</context>
<context>
    <name>tether::ui::GridWorker</name>
    <message>
        <source>Could not connect to Tether&apos;s proxy: %1</source>
        <translation>Keine Verbindung zu Tethers Proxy: %1</translation>
    </message>
    <message>
        <source>Could not read which table mirrors %1: %2</source>
        <translation>Es ließ sich nicht lesen, welche Tabelle %1 spiegelt: %2</translation>
    </message>
    <message>
        <source>%1 is not synced, so there is no table to open.</source>
        <translation>%1 wird nicht synchronisiert; es gibt keine Tabelle zum Öffnen.</translation>
    </message>
    <message>
        <source>Could not read the columns of %1.%2: %3</source>
        <translation>Die Spalten von %1.%2 konnten nicht gelesen werden: %3</translation>
    </message>
</context>
<context>
    <name>tether::ui::GridQuery</name>
    <message>
        <source>%1 holds numbers: write one with a point for decimals, e.g. &gt; 1500.50</source>
        <translation>%1 enthält Zahlen: schreiben Sie eine mit Punkt für Dezimalstellen, z. B. &gt; 1500.50</translation>
    </message>
    <message>
        <source>%1 is true or false, e.g. = true</source>
        <translation>%1 ist wahr oder falsch, z. B. = true</translation>
    </message>
    <message>
        <source>%1 holds dates: write them as year-month-day, e.g. &gt;= 2024-01-31</source>
        <translation>%1 enthält Datumswerte: schreiben Sie sie als Jahr-Monat-Tag, z. B. &gt;= 2024-01-31</translation>
    </message>
    <message>
        <source>%1 holds dates and times: write them as 2024-01-31 or 2024-01-31 14:30</source>
        <translation>%1 enthält Datum und Uhrzeit: schreiben Sie sie als 2024-01-31 oder 2024-01-31 14:30</translation>
    </message>
    <message>
        <source>“%1” needs a value after it, e.g. %1 Acme; to find empty fields write: is null</source>
        <translation>„%1“ braucht danach einen Wert, z. B. %1 Acme; leere Felder finden Sie mit: is null</translation>
    </message>
</context>
</TS>
