<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>BannedHighlighter</name>
    <message>
        <source>Banned phrase “%s”. Say instead: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallModel</name>
    <message>
        <source>start the call record</source>
        <extracomment>Notes typed without a pause are still saved at least this often (at most this much is lost in a crash).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown scenario: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>store the scenario</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a call to tick steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a scenario to tick its steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tick the step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>untick the step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>store the caller&apos;s reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read the caller&apos;s history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>save the notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>close the call record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>look for an interrupted call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call that was in progress has been restored</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChecklistView</name>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a scenario above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All steps done. End the call when ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>⚑ marks a fact the business has not confirmed yet: say it with care.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[required]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>· ticked by speech</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EndCallDialog</name>
    <message>
        <source>End call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why were they not done? (required to end anyway)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required steps not ticked — tick them now, or say why:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hand on to the next contact (saved as follow-ups):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How did the call end?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promised a callback at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After-call work: %02d:%02d</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportProgress</name>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FollowUpsModel</name>
    <message>
        <source>read the follow-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mark the follow-up done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>search the notes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HubSync</name>
    <message>
        <source>Hub: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hub refused a call record: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New packs from the hub were refused: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InsertionController</name>
    <message>
        <source>No phrase %d for this step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not paste (%s); the phrase is on the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not type (%s); the phrase is on the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LiveBar</name>
    <message>
        <source>You said “%s”. Softer: %s</source>
        <extracomment>How long the banned-phrase alert stays (it is discreet: no sound, no focus).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You said “%s”, a banned phrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%d on this call)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incoming call, number ending %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LiveModel</name>
    <message>
        <source>A call is already in progress; the answered call was not started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keep the transcript</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>count the banned phrases</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotesView</name>
    <message>
        <source>e.g. 王先生</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer&apos;s form of address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>phone or card tail, CRM id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earlier calls of this customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes for this call (saved automatically; numbers are masked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No OS key store: earlier calls are matched by the last digits only and may be someone else&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer ref.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PackWatcher</name>
    <message>
        <source>reload the scenario packs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The scenario packs could not be reloaded: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>compare pack versions</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message>
        <source>Seatside</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %d calls to %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export shift (CSV, Excel, Markdown)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a phrase library (Excel/CSV)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-ups and call history…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenario pack problems…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff number…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d scenario file(s) skipped: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hotkeys: starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Global hotkeys are off (%s); the panel&apos;s own keys still work.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hotkeys via %s. Not registered: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hotkeys via %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hotkeys: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pasted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Typed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-ups: %d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%d due)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notes mention “%s”: switch to %s?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why this scenario: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… and %d more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenario packs were updated:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a phrase library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xlsm *.csv *.tsv *.txt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The import failed: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new scenarios appear in the list in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was written. Import the valid rows and skip the others?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your staff number, filled into {坐席工号}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All scenario packs loaded without problems.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenario pack problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live call events on 127.0.0.1:%d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer said “%s”: switch to %s?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live call events are off: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PhraseList</name>
    <message>
        <source>Phrases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click a phrase or press its number to copy it; right-click for more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[mine] </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contains a banned phrase: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove from favourites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add to favourites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit my phrase…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete my phrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add my own phrase for this step…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a general phrase of my own…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My phrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phrase text:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PhrasesModel</name>
    <message>
        <source>read your own phrases</source>
        <extracomment>Delay before the search index is rebuilt in the background after a change.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The phrase search could not be updated: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>index the phrases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>count the phrase&apos;s use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>log the phrase on the call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill in %s first; nothing was copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>save the favourite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>save your phrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delete your phrase</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordsDialog</name>
    <message>
        <source>Follow-ups and call history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open follow-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the notes of past calls…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no due time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OVERDUE</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordsModel</name>
    <message>
        <source>set the masking policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>export the shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import a phrase library</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RetentionTimer</name>
    <message>
        <source>delete calls past the retention period</source>
        <extracomment>Longest wait before the next check (timers drift over days; the clock may change).</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScenarioPicker</name>
    <message>
        <source>Filter scenarios…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter scenarios</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SearchPalette</name>
    <message>
        <source>Find a phrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type Chinese, pinyin or initials…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search phrases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Matching phrases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter: insert · Esc: back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>general</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contains a banned phrase: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Seatside</name>
    <message>
        <source>Notes cannot be saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seatside could not %s in its database: %s

The notes box is locked so that nothing more is typed that cannot be kept. Copy what you still need, then quit and start Seatside again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seatside&apos;s database is damaged (%s). The notes box is locked. Quit and start Seatside again: it will set the damaged file aside and recover what can be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>check the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database could not be used (%s). It was kept aside as %s and the backup of %s was restored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database was damaged (%s). It was kept aside as %s; %d calls could be read back into a new database. Tell your team leader if calls are missing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database repaired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>back up the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>save the settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not %s: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore the backup?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seatside&apos;s database cannot be used (%1). The newest backup is from %2.

Restore that backup? (No: keep what can still be read from the damaged file.)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Insert suggestion %d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the search palette</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show / hide the panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start / end call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick the current step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hotkeys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Insertion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hotkeys insert by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per program (window class or executable, e.g. wps, chrome.exe):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Font size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compact panel (checklist and phrases only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language (at next start)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as said on outbound calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bank name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift (HH:MM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Complaint deadline (days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card digits kept (first/last)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mobile digits kept (first/last)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID digits kept (first/last)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep calls for (days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most the first 6 and last 4 digits of a card and the last 4 of an ID or mobile may stay readable (6/4, 0/4, 0/4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dispositions (up to %d):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>English</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start Seatside with --data-dir DIR (or SEATSIDE_DATA_DIR) to use another folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hotkey for %s: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every disposition needs a code and a Chinese name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most %d dispositions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disposition codes must be different</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Digits kept must look like 6/4</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Show / hide panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export shift…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seatside — hotkeys: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ValuesPrompt</name>
    <message>
        <source>Fill in the phrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>panel</name>
    <message>
        <source>Follow-up due: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>self.panel</name>
    <message>
        <source>Follow-up due</source>
        <extracomment>Real OS hooks start this long after the panel is built.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
