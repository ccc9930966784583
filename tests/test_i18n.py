"""Dutch and English are both complete: every interface text is in both catalogs, compiled."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "workshop" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def messages(cat) -> dict[str, str]:
    return {m.id: m.string for m in cat if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The messages in the source right now (templates and Python), as pybabel extracts them."""
    out = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return set(messages(catalog(out)))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_message_in_the_source_is_translated(extracted, language):
    translated = messages(catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"))
    assert sorted(extracted - set(translated)) == []
    assert sorted(k for k in extracted if not translated[k].strip()) == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_translations_keep_their_placeholders(language):
    for msgid, msgstr in messages(catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")).items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_compiled_catalog_matches_its_source(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    assert compiled == {k: v for k, v in messages(catalog(folder / "messages.po")).items() if v}


def test_dutch_is_really_dutch():
    nl = messages(catalog(TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"))
    assert nl["Drives"] != "Drives"
    same = [k for k, v in nl.items() if k == v and len(k) > 12]
    assert len(same) < 5, same
