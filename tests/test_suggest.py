"""Match suggestions (workshop/suggest.py): asks and offers as plain data in, reasons out."""

from __future__ import annotations

import json

from workshop.suggest import BOOST_PER_LINK, suggest, words


def ask(goal_id, text) -> dict:
    return {"goal_id": goal_id, "text": text}


def offer(card_id, text) -> dict:
    return {"card_id": card_id, "text": text}


def link(goal_text, card_text, type="energises") -> dict:
    return {"goal_text": goal_text, "card_text": card_text, "type": type}


def pairs(suggestions) -> list[tuple]:
    return [(s["goal_id"], s["card_id"]) for s in suggestions]


# --- words -------------------------------------------------------------------------------------


def test_dutch_words_are_stemmed_without_stopwords():
    assert {"klant": "klanten", "onboard": "onboarding"} == words("De klanten en de onboarding", "nl")


def test_english_words_are_stemmed_without_stopwords():
    assert {"custom": "customers", "onboard": "onboarding"} == words("The customers and their onboarding", "en")


def test_the_dutch_stemmer_knows_its_accents_and_the_rest_is_folded():
    assert {"financieel": "financiële", "cafe": "café"} == words("Financiële CAFÉ", "nl")


def test_numbers_signs_and_single_letters_are_no_words():
    assert {} == words("2025 🚀 — a b c 42%", "en")
    assert {} == words("", "nl")


def test_an_unknown_language_is_stemmed_as_english():
    assert words("customers", "en") == words("customers", "fr")


# --- suggestions -------------------------------------------------------------------------------


def test_a_dutch_ask_meets_a_card_that_says_the_same_word_in_another_form():
    suggestions = suggest(
        [ask("g1", "Klantonboarding: nieuwe klanten sneller op weg")],
        [offer("c1", "Ik help graag een klant op weg"), offer("c2", "Ik teken graag")],
        [],
        "nl",
    )
    assert [("g1", "c1")] == pairs(suggestions)
    assert ["klant", "weg"] == sorted(suggestions[0]["shared"])
    assert suggestions[0]["reason"].startswith("shares: ")
    assert set(suggestions[0]["reason"].removeprefix("shares: ").split(", ")) == {"klant", "weg"}


def test_an_english_ask_meets_a_card_in_english():
    suggestions = suggest(
        [ask("g1", "Onboard new customers faster")],
        [offer("c1", "I love helping a customer get started"), offer("c2", "Drawing")],
        [],
        "en",
    )
    assert [("g1", "c1")] == pairs(suggestions)
    assert ["customer"] == suggestions[0]["shared"]
    assert "shares: customer" == suggestions[0]["reason"]


def test_the_workshops_language_chooses_the_stemmer():
    asks, offers = [ask("g1", "verbeteren")], [offer("c1", "verbetering")]
    assert [("g1", "c1")] == pairs(suggest(asks, offers, [], "nl"))
    assert [] == suggest(asks, offers, [], "en")


def test_stopwords_alone_make_no_match():
    assert [] == suggest(
        [ask("g1", "Wij willen het met de klant doen")], [offer("c1", "Ik wil het ook doen")], [], "nl"
    )
    assert [] == suggest([ask("g1", "What we do with them")], [offer("c1", "I do this with them")], [], "en")


def test_nothing_shared_nothing_suggested():
    assert [] == suggest([ask("g1", "Kosten omlaag")], [offer("c1", "Muziek maken")], [], "nl")


def test_nothing_to_match_is_no_suggestion():
    assert [] == suggest([], [offer("c1", "klant")], [], "nl")
    assert [] == suggest([ask("g1", "klant")], [], [], "nl")


def test_a_rare_shared_word_counts_more_than_a_word_on_every_card():
    suggestions = suggest(
        [ask("g1", "Team onboarding"), ask("g2", "Team planning")],
        [offer("common", "team"), offer("rare", "onboarding")],
        [],
        "en",
    )
    best = suggestions[0]
    assert ("g1", "rare") == (best["goal_id"], best["card_id"])
    score = {(s["goal_id"], s["card_id"]): s["score"] for s in suggestions}
    assert score[("g1", "rare")] > score[("g1", "common")]


def test_more_shared_words_score_higher():
    suggestions = suggest(
        [ask("g1", "Data analyse voor klanten")],
        [offer("one", "analyse"), offer("two", "analyse van klanten")],
        [],
        "nl",
    )
    assert ["two", "one"] == [s["card_id"] for s in suggestions]


def test_earlier_links_of_one_type_give_a_small_boost_and_say_so():
    asks = [ask("g1", "Kosten besparen"), ask("g2", "Kosten verlagen")]
    offers = [offer("c1", "Processen en kosten stroomlijnen")]
    without = suggest(asks, offers, [], "nl")
    assert without[0]["score"] == without[1]["score"]
    earlier = [link("Kosten besparen op inkoop", "Processen slimmer maken", "grow")]
    boosted = suggest(asks, offers, earlier, "nl")
    # g1 and g2 both share "kosten" with the old goal; the old card shares "processen" with c1
    assert {("g1", "c1"), ("g2", "c1")} == set(pairs(boosted))
    assert all("like 1 earlier grow link" in s["reason"] for s in boosted)
    assert all(round(s["score"] - without[0]["score"], 3) == BOOST_PER_LINK for s in boosted)


def test_only_links_that_join_both_sides_boost():
    asks = [ask("g1", "Kosten besparen")]
    offers = [offer("c1", "Kosten en processen")]
    earlier = [link("Kosten besparen", "Tekenen"), link("Muziek", "Processen")]
    assert "shares: kosten" == suggest(asks, offers, earlier, "nl")[0]["reason"]


def test_links_of_different_types_do_not_add_up():
    asks, offers = [ask("g1", "klant service")], [offer("c1", "klant contact")]
    one_type = suggest(asks, offers, [link("klant", "contact", "grow"), link("klant", "contact", "grow")], "nl")
    mixed = suggest(asks, offers, [link("klant", "contact", "grow"), link("klant", "contact", "already")], "nl")
    assert "like 2 earlier grow links" in one_type[0]["reason"]
    assert "like 1 earlier already link" in mixed[0]["reason"]
    assert one_type[0]["score"] > mixed[0]["score"]


def test_the_boost_is_capped_below_a_shared_word():
    asks, offers = [ask("g1", "klant"), ask("g2", "klacht contact")], [offer("c1", "klant klacht contact")]
    many = [link("klant", "klant")] * 50  # they agree with g1 only
    suggestions = suggest(asks, offers, many, "nl")
    assert "like 50 earlier energises links" in suggestions[1]["reason"]
    assert ["g2", "g1"] == [s["goal_id"] for s in suggestions]  # one more shared word beats 50 links


def test_links_never_make_a_suggestion_alone():
    earlier = [link("Kosten besparen", "Muziek maken")] * 3
    assert [] == suggest([ask("g1", "Kosten besparen")], [offer("c1", "Muziek maken")], earlier, "nl")


def test_the_limit_keeps_the_best():
    asks = [ask(f"g{i}", f"klant {i} {'onboarding' if i == 7 else ''}") for i in range(10)]
    offers = [offer("c1", "klant onboarding")]
    suggestions = suggest(asks, offers, [], "nl", limit=3)
    assert 3 == len(suggestions)
    assert "g7" == suggestions[0]["goal_id"]
    assert [] == suggest(asks, offers, [], "nl", limit=0)
    assert 10 == len(suggest(asks, offers, [], "nl"))


def test_ties_come_in_a_stable_order():
    asks = [ask("b", "klant"), ask("a", "klant")]
    offers = [offer("y", "klant"), offer("x", "klant")]
    assert [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")] == pairs(suggest(asks, offers, [], "nl"))
    assert suggest(asks, offers, [], "nl") == suggest(list(reversed(asks)), list(reversed(offers)), [], "nl")


def test_the_shorter_spelling_is_shown():
    suggestions = suggest([ask("g1", "klanten")], [offer("c1", "klant")], [], "nl")
    assert ["klant"] == suggestions[0]["shared"]


def test_plain_data_out_with_the_ids_given():
    suggestions = suggest([ask(17, "klant")], [offer("card-uuid", "klant")], [], "nl")
    assert [{"goal_id": 17, "card_id": "card-uuid", "shared": ["klant"], "reason": "shares: klant", "score": 1.0}] == (
        json.loads(json.dumps(suggestions))
    )


def test_missing_or_odd_text_is_no_crash():
    asks = [{"goal_id": "g1", "text": None}, ask("g2", "klant " * 2000), ask("g3", "<script>klant</script>")]
    offers = [{"card_id": "c1"}, offer("c2", "klant")]
    suggestions = suggest(asks, offers, [{"type": None}, link(None, None)], "nl")
    assert {("g2", "c2"), ("g3", "c2")} == set(pairs(suggestions))
    assert all(s["shared"] == ["klant"] for s in suggestions)
