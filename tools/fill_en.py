"""Fill the English catalog: English is the source language, so each translation is its msgid.
Prints the Dutch messages still untranslated (to translate by hand in the nl catalog)."""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "workshop" / "translations"

en = ROOT / "en" / "LC_MESSAGES" / "messages.po"
catalog = read_po(en.open("rb"))
for message in catalog:
    if message.id and not message.string:
        message.string = message.id
with en.open("wb") as f:
    write_po(f, catalog, width=0)

nl = read_po((ROOT / "nl" / "LC_MESSAGES" / "messages.po").open("rb"))
for message in nl:
    if message.id and (not message.string or message.fuzzy):
        print(repr(message.id))
