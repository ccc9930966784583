"""Look-alike names (workshop/names.py): nobody passes for a colleague on the board.

Unit tests of the pure rules, then the same rules live: joining over REST, the join page (Dutch and
English), and the facilitator's rename over the socket.
"""

import unicodedata

import pytest
import requests

from workshop import model, names

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731

# --- what a name may hold ------------------------------------------------------------------------

NORMAL = [
    "José",
    "Zoë",
    "Łukasz",
    "李雷",
    "Ngọc",
    "O'Brien",
    "Anne-Marie",
    "Nguyễn Thị Minh",
    "Åsa",
    "Ørjan",
    "Σωκράτης",
    "Владимир",
    "Анна",
    "Jürgen",
    "Siobhán",
    "Çağrı",
    "Dvořák",
    "Mỹ",
    "שָׁלוֹם",
    "محمد",
    "Bram K.",
    "Anna 🌻",
    "Lee ❤\ufe0f",
    "👩\u200d💻 Sam",
    "👍🏽 Bo",
    # A single accent written as a separate combining mark (NFD), as some keyboards send it.
    NFD("José"),
    NFD("Zoë"),
    NFD("Ngọc"),
    NFD("Nguyễn"),
    "Zoe\u0308",
    # Zero-width (non-)joiners where they are spelling: Persian and an Indic conjunct.
    "علی\u200cرضا",
    "क्\u200dष",
    # An ideograph variant (ideographic variation sequence).
    "葛\U000e0100城",
]


@pytest.mark.parametrize("name", NORMAL)
def test_real_names_pass(name):
    assert names.check_name(name) == name
    assert model.parse(model.Join, {"name": name}).name == unicodedata.normalize("NFC", name)


INVISIBLE = {
    "zero-width space": "Ali\u200bce",
    "zero-width non-joiner between Latin letters": "Ali\u200cce",
    "zero-width joiner between Latin letters": "Ali\u200dce",
    "word joiner": "Ali\u2060ce",
    "invisible separator": "Ali\u2063ce",
    "byte order mark": "\ufeffAlice",
    "soft hyphen": "Ali\u00adce",
    "Mongolian vowel separator": "Ali\u180ece",
    "combining grapheme joiner": "Ali\u034fce",
    "tag characters": "Alice\U000e0041\U000e0042",
    "a variation selector on a letter": "A\ufe0flice",
    "a variation selector alone at the end": "Alice\ufe0e",
    "an ideographic variation selector on a Latin letter": "Alice\U000e0100",
    "Hangul filler": "\u3164",
    "Hangul filler inside": "An\u3164na",
    "braille blank": "\u2800",
    "musical format control": "A\U0001d173nna",
}


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_and_zero_width_characters_are_refused(name):
    with pytest.raises(names.NameRefused) as refused:
        names.check_name(name)
    assert refused.value.reason == "invisible"
    assert isinstance(refused.value, ValueError)
    with pytest.raises(model.WorkshopError) as parsed:
        model.parse(model.Join, {"name": name})
    assert parsed.value.code == "invalid"


BIDI = ["Ali\u202ece", "\u202dAlice", "Ali\u2066ce\u2069", "\u2067Anna", "Anna\u200f", "\u200eAnna", "An\u061cna"]


@pytest.mark.parametrize("name", BIDI, ids=[f"U+{ord(next(c for c in n if not c.isalpha())):04X}" for n in BIDI])
def test_direction_controls_are_refused(name):
    with pytest.raises(names.NameRefused) as refused:
        names.check_name(name)
    assert refused.value.reason == "bidi"
    with pytest.raises(model.WorkshopError):
        model.parse(model.Join, {"name": name})


STACKS = {
    "three accents on a letter": "An\u0301\u0302\u0303na",
    "zalgo": "Z\u0337\u0322\u0349a\u0338\u0327l\u0335\u0323\u0324\u0325g\u0336o",
    "one accent twice": "Zoe\u0308\u0308",
    "a precomposed letter with two more": "Zo\u00eb\u0301\u0302",
    "an accent with nothing under it": "\u0301Anna",
    "an accent on a space": "Anna \u0301B",
    "stacked enclosing circles": "A\u20dd\u20dd\u20dd",
}


@pytest.mark.parametrize("name", STACKS.values(), ids=STACKS.keys())
def test_stacks_of_combining_marks_are_refused(name):
    with pytest.raises(names.NameRefused) as refused:
        names.check_name(name)
    assert refused.value.reason == "marks"
    with pytest.raises(model.WorkshopError):
        model.parse(model.Join, {"name": name})


def test_two_marks_on_a_letter_are_spelling():
    assert names.check_name("Nguye\u0302\u0303n")  # ễ in NFD: circumflex and tilde
    assert names.check_name(NFD("Thị Hiền Phượng"))


def test_the_refusal_says_why():
    with pytest.raises(model.WorkshopError) as refused:
        model.parse(model.Join, {"name": "Ali\u200bce"})
    assert refused.value.message.startswith("name: ")
    assert "invisible" in refused.value.message


# --- look-alikes ---------------------------------------------------------------------------------

LOOK_ALIKES = {
    # Cyrillic letters in a Latin name, and whole-script Cyrillic spelling a Latin name.
    "Cyrillic А": ("\u0410lice", "Alice"),
    "Cyrillic о and Т": ("\u0422\u043em", "Tom"),
    "Cyrillic Р and е": ("\u0420\u0435ter", "Peter"),
    "whole-script Cyrillic Sasha": ("\u0405\u0430\u0455\u04bb\u0430", "Sasha"),
    "Cyrillic Јаn": ("\u0408\u0430n", "Jan"),
    "Cyrillic Хеnіа": ("\u0425\u0435n\u0456\u0430", "Xenia"),
    # Greek capitals that are Latin capitals.
    "Greek Α": ("\u0391lice", "Alice"),
    "Greek Η": ("\u0397ans", "Hans"),
    "Greek ΡΕΤΕR": ("\u03a1\u0395\u03a4\u0395R", "PETER"),
    "Greek ΡΕΤΕR against Peter": ("\u03a1\u0395\u03a4\u0395R", "Peter"),
    "Greek Ν": ("\u039dikolai", "Nikolai"),
    "Greek ΑΝΝΑ": ("\u0391\u039d\u039d\u0391", "Anna"),
    "Greek Υ": ("\u03a5annick", "Yannick"),
    # Latin look-alikes TR39 knows.
    "rn for m": ("rnartin", "martin"),
    "Rn for M, up to case": ("Rnarie", "Marie"),
    "zero for O": ("B0B", "BOB"),
    "small l for capital I": ("lvo", "Ivo"),
    "one for I": ("1van", "Ivan"),
    "capital I for small l": ("Iars", "lars"),
    "only case": ("anna", "ANNA"),
    "full-width letters": ("\uff21\uff4e\uff4e\uff41", "Anna"),
    "two spaces for one": ("Anna  B", "Anna B"),
    "typographic apostrophe": ("O\u2019Brien", "O'Brien"),
    "decomposed accent": (NFD("Zoë"), "Zoë"),
}


@pytest.mark.parametrize("name, existing", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_look_alikes_in_latin_cyrillic_and_greek_are_found(name, existing):
    assert names.confusable_with(name, ["Bram", existing, "Carla"]) == existing
    assert names.confusable_with(existing, [name]) == name


DIFFERENT = [
    ("Anna", "Anne"),
    ("Zoë", "Zoe"),
    ("José", "Jose"),
    ("Łukasz", "Lukasz"),
    ("Ngọc", "Ngoc"),
    ("Anna", "Anna B"),
    ("Ivo", "Ivy"),
    ("Bram", "Brian"),
    ("Jan", "Jana"),
    ("Tom", "Tim"),
    ("Анна", "Алла"),
    ("Σοφία", "Sofia"),
    ("李雷", "李明"),
    ("Marie", "Maria"),
]


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_different_names_are_not_look_alikes(a, b):
    assert names.confusable_with(a, [b]) is None
    assert names.confusable_with(b, [a]) is None


def test_skeletons_are_tr39():
    assert names.skeleton("\u0410lice") == names.skeleton("Alice") == "Alice"
    assert names.skeleton("rnartin") == names.skeleton("martin") == "rnartin"  # TR39's prototype of m is rn
    assert names.skeleton("B0B") == "BOB"
    assert names.skeleton("Ivo") == names.skeleton("lvo") == names.skeleton("1vo") == "lvo"
    # TR39 drops default-ignorable code points (a name stored before they were refused still matches).
    assert names.skeleton("Ali\u200bce") == "Alice"
    assert names.skeleton("Łukasz") != names.skeleton("Lukasz")  # the stroke is kept (L̸)


def test_nothing_to_compare_is_no_look_alike():
    assert names.confusable_with("Alice", []) is None


# --- live: joining over REST, the join page, the facilitator's rename ----------------------------


def _join(api, code, name):
    return requests.post(f"{api.base}/api/workshops/{code}/participants", json={"name": name})


def test_joining_with_a_look_alike_is_refused_over_rest(api):
    created = api.create_workshop()
    code, token = created["code"], created["facilitator_token"]
    for name in ("Alice", "Hans", "PETER", "martin", "BOB", "Ivo"):
        api.join(code, name)
    for name, like in [
        ("\u0410lice", "Alice"),
        ("\u0391lice", "Alice"),
        ("\u0397ans", "Hans"),
        ("\u03a1\u0395\u03a4\u0395R", "PETER"),
        ("rnartin", "martin"),
        ("B0B", "BOB"),
        ("lvo", "Ivo"),
    ]:
        r = _join(api, code, name)
        assert r.status_code == 409, name
        error = r.json()["error"]
        assert error["code"] == "conflict"
        assert error["message"] == (
            f"That name looks too much like someone else's ({like}). Add an initial, for example."
        )
    exact = _join(api, code, "alice").json()["error"]
    assert exact == {"code": "conflict", "message": "That name is already taken in this workshop."}
    for name in ("Alice B.", "Anne-Marie", "Zoë", "Łukasz", "李雷", "Ngọc", "O'Brien", NFD("José")):
        assert _join(api, code, name).status_code == 201, name
    people = [p["name"] for p in api.workshop(code, token)["participants"]]
    assert people == [
        "Alice",
        "Hans",
        "PETER",
        "martin",
        "BOB",
        "Ivo",
        "Alice B.",
        "Anne-Marie",
        "Zoë",
        "Łukasz",
        "李雷",
        "Ngọc",
        "O'Brien",
        "José",
    ]


@pytest.mark.parametrize("name", ["Ali\u200bce", "\ufeffBram", "Ali\u202ece", "An\u0301\u0302\u0303na", "Bo\U000e0041"])
def test_joining_with_an_unreadable_name_is_refused_over_rest(api, name):
    code = api.create_workshop()["code"]
    r = _join(api, code, name)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid"
    assert r.json()["error"]["message"].startswith("name: ")


@pytest.mark.parametrize(
    "language, look_alike, unreadable, stacked",
    [
        (
            "en",
            "That name looks too much like Alice, who is already here. Add an initial, for example.",
            "Your name held characters that do not show or that turn text around. Type it again.",
            "Your name stacks accents on a letter. Type it again with at most two on each letter.",
        ),
        (
            "nl",
            "Die naam lijkt te veel op die van Alice, die er al is. Zet er bijvoorbeeld de eerste letter van je "
            "achternaam achter.",
            "Je naam bevatte tekens die je niet ziet of die tekst omdraaien. Typ hem opnieuw.",
            "Je naam stapelt accenten op een letter. Typ hem opnieuw, met hooguit twee per letter.",
        ),
    ],
)
def test_the_join_page_says_why_a_name_is_refused(server, api, language, look_alike, unreadable, stacked):
    created = api.create_workshop(language=language)
    code = created["code"]
    api.join(code, "Alice")
    phone = requests.Session()
    r = phone.post(server.url + f"/j/{code}", data={"name": "\u0410lice"}, allow_redirects=False)
    assert r.status_code == 409
    assert look_alike in r.text
    assert 'value="Аlice"' in r.text  # kept, to add an initial to
    r = phone.post(server.url + f"/j/{code}", data={"name": "Ali\u200bce"}, allow_redirects=False)
    assert r.status_code == 400
    assert unreadable in r.text
    assert 'value=""' in r.text  # what cannot be seen cannot be edited out: type it again
    r = phone.post(server.url + f"/j/{code}", data={"name": "Ali\u202ece"}, allow_redirects=False)
    assert (r.status_code, unreadable in r.text) == (400, True)
    r = phone.post(server.url + f"/j/{code}", data={"name": "An\u0301\u0302\u0303na"}, allow_redirects=False)
    assert (r.status_code, stacked in r.text) == (400, True)
    r = phone.post(server.url + f"/j/{code}", data={"name": "Alice B."}, allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (303, f"/w/{code}/phone")
    names_now = [p["name"] for p in api.workshop(code, created["facilitator_token"])["participants"]]
    assert names_now == ["Alice", "Alice B."]


def test_the_facilitator_cannot_rename_someone_into_a_look_alike(workshop):
    console = workshop.facilitator()
    anna, bram = workshop.participant("Anna"), workshop.participant("Bram")
    for name in ("\u0410nna", "\u0391NNA", "anna", "Anna\u200b", "Ann\u0430"):
        ack = console.call("rename_participant", {"id": bram.id, "name": name})
        assert ack["error"]["code"] in ("conflict", "invalid"), name
    refused = console.call("rename_participant", {"id": bram.id, "name": "\u0410nna"})["error"]
    assert refused == {
        "code": "conflict",
        "message": "That name looks too much like someone else's (Anna). Add an initial, for example.",
    }
    invisible = console.call("rename_participant", {"id": bram.id, "name": "Br\u200bam"})["error"]
    assert invisible["code"] == "invalid" and "invisible" in invisible["message"]
    assert [p["name"] for p in workshop.snapshot()["participants"]] == ["Anna", "Bram"]
    assert anna.received("participant_updated") == []


def test_renaming_someone_to_their_own_look_alike_still_works(workshop):
    console = workshop.facilitator()
    workshop.participant("Anna")
    bram = workshop.participant("Bram")
    for name in ("BRAM", "bram", "Brarn", "Bram"):
        ack = console.call("rename_participant", {"id": bram.id, "name": name})
        assert ack["participant"]["name"] == name, ack
    ack = console.call("rename_participant", {"id": bram.id, "name": "Bram K."})
    assert ack["participant"]["name"] == "Bram K."
