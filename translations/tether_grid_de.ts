<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>ConflictDialog</name>
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
    <name>GridEditor</name>
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
        <source>Search text fields…</source>
        <translation>Textfelder durchsuchen…</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filter entfernen</translation>
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
        <source>%1 contains “%2”</source>
        <translation>%1 enthält „%2“</translation>
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
        <source>Filter %1…</source>
        <translation>%1 filtern…</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Show rows whose %1 contains:</source>
        <translation>Zeilen zeigen, deren %1 enthält:</translation>
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
    <message>
        <source>Duplicate row</source>
        <translation>Zeile duplizieren</translation>
    </message>
</context>
<context>
    <name>GridModel</name>
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
    <message>
        <source>Duplicate row</source>
        <translation>Zeile duplizieren</translation>
    </message>
</context>
<context>
    <name>GridWorker</name>
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
</TS>
