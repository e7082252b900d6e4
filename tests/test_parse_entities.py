"""New-entity candidates of the parse extractor on small sentences, one per construction.

Each test reads a sentence written for it with an EMPTY registry (as a text no registry knows) and
asserts the exact candidate: its name, suggested class and aliases. The constructions are the ones
names.py, name_spans.py and name_kinds.py read: transliterated particles, possessives inside a name,
"X of Y" institutions, place and faction heads, missions with their seat, descriptions (a state's organ
by its demonym, collectives by origin, borders, unnamed offices) and the coarse class from the head.
"""

from __future__ import annotations

import pytest

from actorgraph.graph.extract import name_kinds, qualifiers
from actorgraph.graph.extract.base import ExtractionResult
from actorgraph.graph.extract.names import suggest_type
from actorgraph.graph.extract.parse import ParseExtractor


@pytest.fixture(scope="session")
def extractor() -> ParseExtractor:
    return ParseExtractor()


def read(extractor: ParseExtractor, text: str) -> ExtractionResult:
    return extractor.extract(text, {})


def candidates(result: ExtractionResult) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Name -> (suggested class, aliases)."""
    return {c.name: (c.suggested_type, c.aliases) for c in result.new_entities}


def candidate(extractor: ParseExtractor, text: str, name: str) -> tuple[str, tuple[str, ...]]:
    found = candidates(read(extractor, text))
    assert name in found, found
    return found[name]


def test_transliterated_particle_stays_in_the_name(extractor: ParseExtractor) -> None:
    text = "The border guards clashed with Jund al-'Aqsa fighters near Idlib."
    assert candidate(extractor, text, "Jund al-'Aqsa") == ("ArmedGroup", ())


def test_possessive_inside_an_organisation_name(extractor: ParseExtractor) -> None:
    text = "The Sudan People's Liberation Movement signed the accord."
    assert candidate(extractor, text, "Sudan People's Liberation Movement") == ("PoliticalMovement", ())


def test_institution_of_a_group_is_one_name_typed_by_its_head(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "The Political Bureau of the Polisario Front met in Algiers."))
    assert found["Political Bureau of the Polisario Front"] == ("Faction", ())
    assert found["Algiers"] == ("City", ())  # a capital where something happens is the city


def test_lower_case_place_head_gives_an_alias(extractor: ParseExtractor) -> None:
    text = "Insurgents attacked the Palma port last week."
    assert candidate(extractor, text, "Palma") == ("Infrastructure", ("Palma port",))


def test_lower_case_faction_head_is_part_of_the_name(extractor: ParseExtractor) -> None:
    assert candidate(extractor, "The Gao faction rejected the deal.", "Gao faction") == ("Faction", ())


def test_mission_is_named_with_its_seat(extractor: ParseExtractor) -> None:
    text = "Protesters stormed the French Embassy in Niamey."
    assert candidate(extractor, text, "French Embassy in Niamey") == ("DiplomaticMission", ())


def test_state_organ_by_demonym_is_a_candidate_beside_the_state(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Malian armed forces and the Russian military withdrew."))
    assert found["Malian armed forces"] == ("ArmedForce", ())
    assert found["Russian military"] == ("ArmedForce", ())
    assert found["Russia"] == ("State", ("Russian",))  # the state still acts through them


def test_collective_by_origin(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Sudanese refugees crossed into Chad."))
    assert found["Sudanese refugees"] == ("Community", ())
    assert found["Chad"] == ("State", ())


def test_hyphenated_border(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Fighting spread along the Sudan-Chad border."))
    assert found == {"Sudan-Chad": ("Border", ("Sudan-Chad border",))}  # one candidate, not two


def test_border_between_two_states(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "The border between Ethiopia and Eritrea reopened."))
    assert found["border between Ethiopia and Eritrea"] == ("Border", ())
    assert found["Eritrea"] == ("State", ())


def test_unnamed_office_of_a_state(extractor: ParseExtractor) -> None:
    text = "Kenya's defence minister visited the camp."
    assert candidate(extractor, text, "Kenya's defence minister") == ("Person", ())


def test_named_office_holder_is_not_a_description(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Kenya's defence minister Aden Duale visited the camp."))
    assert "Kenya's defence minister" not in found
    assert found["Aden Duale"][0] == "Person"


def test_sect_word_before_coordinated_names(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Clashes erupted between the Sunni Dulaim and Jubur tribes."))
    assert found == {"Dulaim": ("EthnicGroup", ()), "Jubur": ("EthnicGroup", ())}


def test_international_community(extractor: ParseExtractor) -> None:
    text = "The international community condemned the coup."
    assert candidate(extractor, text, "international community") == ("Coalition", ())


def test_slash_joins_two_names_into_one(extractor: ParseExtractor) -> None:
    text = "Fighters of the Hurras/Ansar Front fled."
    assert candidate(extractor, text, "Hurras/Ansar Front") == ("ArmedGroup", ())


def test_line_break_ends_a_name(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "The war in Tigray\n\nEritrea sent troops."))
    assert found == {"Tigray": ("City", ()), "Eritrea": ("State", ())}


def test_branch_named_province_is_a_group(extractor: ParseExtractor) -> None:
    text = "The Islamic State Sahel Province attacked the town."
    assert candidate(extractor, text, "Islamic State Sahel Province") == ("ArmedGroup", ())


def test_national_council_is_a_government(extractor: ParseExtractor) -> None:
    text = "The Transitional Military Council ruled the country."
    assert candidate(extractor, text, "Transitional Military Council") == ("Government", ())


def test_forces_after_a_name_do_not_make_it_a_state_organ(extractor: ParseExtractor) -> None:
    assert candidate(extractor, "NATO forces left the town.", "NATO") == ("NonStateActor", ())


def test_coordinated_places_after_in(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Attacks continued in Gao, Menaka and Kidal."))
    assert found == {"Gao": ("City", ()), "Menaka": ("City", ()), "Kidal": ("City", ())}


def test_rule_extractor_types_names_from_the_parse_lexicon() -> None:
    assert suggest_type("Rwandan") == ("State", 0.5)
    assert suggest_type("Brigadier Sultani Makenga") == ("Person", 0.5)  # a title the cue table lacks
    assert suggest_type("Bukavu", "fighters entered ") == ("Agent", 0.2)
    assert suggest_type("Bukavu", "fighting in ") == ("City", 0.3)
    assert suggest_type("FDLR") == ("NonStateActor", 0.3)


def test_one_list_of_place_prepositions() -> None:
    assert name_kinds.PLACE_PREPOSITIONS is qualifiers.PLACE_PREPOSITIONS


def test_place_noun_of_a_name(extractor: ParseExtractor) -> None:
    assert candidate(extractor, "In 1998 the northern city of Kismayo fell.", "Kismayo") == ("City", ())


def test_name_coordinated_with_places_is_a_place(extractor: ParseExtractor) -> None:
    assert candidate(extractor, "Raids hit the provinces and Gedo.", "Gedo") == ("City", ())


def test_group_beside_a_capital_stays_a_group(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Tehran and Hezbollah denied it."))
    assert found["Hezbollah"] == ("NonStateActor", ())
    assert found["Iran"] == ("State", ())  # the capital speaks for its state, but is a city, not one of its names


def test_group_located_in_a_state_stays_a_group(extractor: ParseExtractor) -> None:
    assert candidate(extractor, "The Houthis in Yemen fired missiles.", "Houthis") == ("NonStateActor", ())


def test_stan_names_a_land(extractor: ParseExtractor) -> None:
    assert candidate(extractor, "Fighters moved from Kurdistan to the coast.", "Kurdistan") == ("Region", ())


def test_lower_case_states_after_coordinated_names(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "The army lost most of Kayin and Mon states."))
    assert found == {"Kayin": ("Province", ()), "Mon": ("Province", ())}


def test_apposition_says_what_a_name_is(extractor: ParseExtractor) -> None:
    text = "They took Chinshwehaw, a trading town on the border."
    assert candidate(extractor, text, "Chinshwehaw") == ("City", ())


def test_person_by_ner_listed_among_places_is_a_place(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Fighting spread to Bossaso, Garowe, Qardho and Galkayo."))
    assert found["Qardho"] == ("City", ())  # NER calls it a person; its neighbours in the list are places
    assert found["Garowe"] == ("City", ())


def test_apposition_of_a_person_noun(extractor: ParseExtractor) -> None:
    text = "Rebels released Omar-Farouk Dembele, a Malian diplomat who had been held."
    assert candidate(extractor, text, "Omar-Farouk Dembele") == ("Person", ())  # NER calls it an organisation


def test_talks_named_after_a_place_are_an_event_beside_the_place(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "The Minsk agreements collapsed and the Jeddah talks stalled."))
    assert found["Minsk agreements"] == ("Agreement", ())
    assert found["Jeddah talks"] == ("Negotiation", ())
    assert found["Jeddah"] == ("City", ())


def test_coordinated_leanings_of_a_state_are_one_faction_each(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Myanmar's moderate and hardline factions disagree on the ceasefire."))
    assert found["Myanmar's moderate faction"] == ("Faction", ())
    assert found["Myanmar's hardline faction"] == ("Faction", ())


def test_unnamed_ministry_of_a_state_is_a_candidate(extractor: ParseExtractor) -> None:
    assert candidate(extractor, "Russia's defence ministry denied the report.", "Russia's defence ministry") == (
        "Ministry",
        (),
    )


def test_head_of_in_apposition_makes_a_person(extractor: ParseExtractor) -> None:
    text = "After the death of Viktor Hlib, the former head of the Azov Brigade, the unit split."
    assert candidate(extractor, text, "Viktor Hlib") == ("Person", ())


def test_a_mission_is_named_with_its_seat_and_acronym(extractor: ParseExtractor) -> None:
    text = "Kenya briefed the United Nations Assistance Mission in Somalia (UNSOM) in June."
    assert candidate(extractor, text, "United Nations Assistance Mission in Somalia") == (
        "IntergovernmentalOrganization",
        ("UNSOM",),
    )


def test_a_title_with_its_qualifier_is_no_name(extractor: ParseExtractor) -> None:
    found = candidates(
        read(extractor, "Tun Myat, the EU's High Representative for Myanmar, met Field Marshal Kyaw Han.")
    )
    assert "High Representative" not in found and "Field Marshal Kyaw Han" not in found, found
    assert found["Kyaw Han"][0] == "Person" and found["Tun Myat"][0] == "Person"


def test_a_body_of_a_titled_person_is_two_names(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "The Libyan National Army of General Khalifa Haftar attacked Tripoli."))
    assert found["Libyan National Army"][0] == "ArmedGroup" and found["Khalifa Haftar"][0] == "Person", found


def test_a_place_named_after_a_titled_person_stays_one_name(extractor: ParseExtractor) -> None:
    found = candidates(read(extractor, "Two gunmen attacked the Mausoleum of Imam Ahmed Badawi."))
    assert found["Mausoleum of Imam Ahmed Badawi"] == ("Infrastructure", ()), found
