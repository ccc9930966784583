"""Set Dutch translations from a JSON file of {msgid: msgstr}:  python tools/translate_nl.py FILE"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "workshop" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"

translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
catalog = read_po(PO.open("rb"))
for msgid, msgstr in translations.items():
    message = catalog.get(msgid)
    if message is None:
        sys.exit(f"not in the catalog: {msgid!r}")
    message.string = msgstr
    message.flags.discard("fuzzy")
with PO.open("wb") as f:
    write_po(f, catalog, width=0)
print(f"{len(translations)} set")
