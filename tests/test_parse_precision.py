"""Precision of the extractors: lines that make no claim, and what the default combination keeps.

Each test is a small text written for one construction and asserts the exact candidates (or their
absence). The registry is a small one made here, so the tests do not depend on the shipped data.
"""

from __future__ import annotations

import pytest
from parse_support import only, triples

from actorgraph.graph.extract.parse import ParseExtractor
from actorgraph.graph.extract.rules import RuleExtractor
from actorgraph.graph.extract.verify import ClaimLines, is_heading, is_reference
from actorgraph.graph.model import Entity

REGISTRY = {
    e.id: e
    for e in (
        Entity("russia", ("State",), "Russia"),
        Entity("turkey", ("State",), "Turkey"),
        Entity("egypt", ("State",), "Egypt"),
        Entity("ethiopia", ("State",), "Ethiopia"),
        Entity("wagner", ("ArmedGroup",), "Wagner Group"),
        Entity("lna", ("ArmedGroup",), "Libyan National Army", aliases=("LNA",)),
    )
}


@pytest.fixture(scope="module")
def parse_extractor() -> ParseExtractor:
    return ParseExtractor()


# ---------------------------------------------------------------------------- lines that make no claim


@pytest.mark.parametrize(
    "line",
    [
        '- ¹⁷ F. Aman, "Turkey-Egypt growing ties: what is different?", Atlantic Council, 16 February 2021.',
        "² W. Lacher, “How Moscow Backs the LNA”, SWP Comment, 2024.",
        '3. "Russia Arms the LNA", Crisis Group Briefing, 2024.',
        "- Ibid.",
        "[4] Small Arms Survey, 2023.",
        '- Chris Lee, "Wagner in Libya," Sentinel, 10:6 (2017).',
    ],
)
def test_reference_entries_are_references(line: str) -> None:
    assert is_reference(line)


@pytest.mark.parametrize(
    "line",
    [
        "- Russia supplies the LNA with aircraft.",
        "1. Turkey trains army units at the base.",
        "Russia backs the LNA, according to officials in 2024.",
    ],
)
def test_list_items_and_sentences_are_not_references(line: str) -> None:
    assert not is_reference(line)


def test_headings_are_title_case_or_the_first_line() -> None:
    assert is_heading("The Uneasy Rapprochement between Turkey, Egypt and the Libyan National Army")
    assert is_heading("Challenges Facing the Russia-Wagner Partnership")
    assert is_heading("Libya's war: foreign patrons and a war that never ended (2025)", first=True)
    assert not is_heading("Libya's war: foreign patrons and a war that never ended (2025)")
    assert not is_heading("Turkey and Egypt Signed an Accord with the LNA in 2024.")  # ends like a sentence
    assert not is_heading("- Russia Arms the LNA")  # a list item


def test_everything_after_a_references_heading_makes_no_claim() -> None:
    text = "Russia backs the LNA.\nReferences\nTurkey and the LNA in 2020\nEgypt arms the LNA.\n"
    lines = ClaimLines(text)
    assert lines.claims(text.index("Russia"))
    assert not lines.claims(text.index("Turkey"))
    assert not lines.claims(text.index("Egypt"))


def test_no_relation_from_a_heading_or_a_reference(parse_extractor: ParseExtractor) -> None:
    text = (
        "Libya after the war\n\n"
        "The Rapprochement between Turkey and Egypt over the Libyan National Army\n\n"
        "Russia backs the LNA.\n\n"
        '- ¹ J. Doe, "Turkey arms the LNA", Small Arms Survey, 2023.\n'
    )
    for extractor in (parse_extractor, RuleExtractor()):
        result = extractor.extract(text, REGISTRY)
        assert {(s, o) for s, _, o in triples(result)} == {("russia", "lna")}, extractor
    assert only(parse_extractor.extract(text, REGISTRY), "russia", "supports", "lna").quote == "Russia backs the LNA."


# ---------------------------------------------------------------------------- new names typed by how the text uses them


def _new(parse_extractor: ParseExtractor, text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    result = parse_extractor.extract(text, REGISTRY)
    return {c.name: (c.suggested_type, c.aliases) for c in result.new_entities}


def test_a_state_of_the_states_table_is_a_state(parse_extractor: ParseExtractor) -> None:
    new = _new(parse_extractor, "Weapons reached the rebels through Chad and the Central African Republic.")
    assert new["Central African Republic"][0] == "State"  # not a Government for its head word "republic"
    assert new["Chad"][0] == "State"


def test_a_name_before_a_place_noun_is_that_place(parse_extractor: ParseExtractor) -> None:
    new = _new(parse_extractor, "Turkey trains its units at the Al-Watiya air base.")
    assert new["Al-Watiya"][0] == "MilitaryBase"


def test_a_name_only_used_as_a_place_is_a_city(parse_extractor: ParseExtractor) -> None:
    new = _new(parse_extractor, "The rebels entered Bukavu in February, and Wagner Group fighters left around Bukavu.")
    assert new["Bukavu"][0] == "City"


def test_a_surname_names_the_person_named_before(parse_extractor: ParseExtractor) -> None:
    text = "Russia backs Khalifa Haftar. In 2019 Haftar's forces attacked the capital."
    new = _new(parse_extractor, text)
    assert new["Khalifa Haftar"] == ("Person", ("Haftar",))
    assert "Haftar" not in new


# ---------------------------------------------------------- who "both sides", "the states", a capital are


def test_both_sides_are_not_the_hosts_named_in_the_subject(parse_extractor: ParseExtractor) -> None:
    registry = {**REGISTRY, "oman": Entity("oman", ("State",), "Oman"), "qatar": Entity("qatar", ("State",), "Qatar")}
    text = "Turkey and Egypt clashed in 2020. Omani and Qatari officials have hosted both sides."
    result = parse_extractor.extract(text, registry)
    hosted = {(p.subject, p.object) for p in result.proposals if p.predicate == "hosts"}
    assert ("qatar", "oman") not in hosted and ("oman", "qatar") not in hosted
    assert {("oman", "turkey"), ("oman", "egypt")} <= hosted


def test_member_states_are_not_the_last_named_states(parse_extractor: ParseExtractor) -> None:
    result = parse_extractor.extract("Egypt armed the LNA, and Turkey opposed the member states.", REGISTRY)
    assert triples(result) == {("egypt", "arms", "lna")}  # not Turkey opposes Egypt


def test_an_attacked_capital_is_the_city(parse_extractor: ParseExtractor) -> None:
    result = parse_extractor.extract("In April 2019 the LNA attacked Tripoli.", REGISTRY)
    assert {c.name: c.suggested_type for c in result.new_entities} == {"Tripoli": "City"}
    assert only(result, "lna", "attacks", "new:tripoli").at == "2019-04"


def test_the_rebels_are_not_the_body_that_reports_on_them(parse_extractor: ParseExtractor) -> None:
    registry = {**REGISTRY, "un": Entity("un", ("IntergovernmentalOrganization",), "United Nations")}
    text = "United Nations experts say that Russia commands the rebels."
    assert ("russia", "leaderOf", "un") not in triples(parse_extractor.extract(text, registry))
    text = "The Wagner Group crossed the border. United Nations experts say that Russia commands the rebels."
    assert only(parse_extractor.extract(text, registry), "russia", "leaderOf", "wagner").attributed_to == ("un",)


# ---------------------------------------------------------------------------- the cue table's "between"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia was in favour of forging an alliance between Turkey and Egypt.", ("turkey", "alliedWith", "egypt")),
        ("Wagner Group created tensions between Russia and Egypt.", ("russia", "hostileTo", "egypt")),
        ("Wagner Group fuelled the rivalry between Turkey and Egypt.", ("turkey", "hostileTo", "egypt")),
        ("Russia worked for cooperation between Turkey and Egypt.", ("turkey", "cooperatesWith", "egypt")),
    ],
)
def test_a_relation_between_two_is_not_the_speakers(text: str, expected: tuple[str, str, str]) -> None:
    """The cue's "between" names both parties after it; whoever stands before it created the relation."""
    assert triples(RuleExtractor().extract(text, REGISTRY)) == {expected}


# ---------------------------------------------------------------------------- a name its acronym spells whole


def test_a_bracketed_acronym_joins_the_name_it_spells(parse_extractor: ParseExtractor) -> None:
    text = "The UN Support Mission in Libya (UNSMIL) brokered a truce between the LNA and Turkey."
    result = parse_extractor.extract(text, REGISTRY)
    new = {c.name: c.aliases for c in result.new_entities}
    assert new == {"UN Support Mission in Libya": ("UNSMIL",)}
    assert not [p for p in result.proposals if p.predicate == "basedIn"]  # no mission based in a "Libya"


def test_an_acronym_of_the_last_name_alone_joins_nothing(parse_extractor: ParseExtractor) -> None:
    text = "Russia backs Tehrik-i-Taliban Pakistan (TTP), and Egypt and Sudan (SDN) met in Cairo."
    new = {c.name: c.aliases for c in parse_extractor.extract(text, REGISTRY).new_entities}
    assert new["Tehrik-i-Taliban Pakistan"] == ("TTP",)
    assert new["Sudan"] == ("SDN",)


def test_known_as_names_the_same_one(parse_extractor: ParseExtractor) -> None:
    text = (
        "The militia is commanded by Mohamed Hamdan Dagalo, better known as Hemedti. Egypt hosted Hemedti in 2025. "
        "The Wagner Group, nicknamed the Orchestra, sent fighters to the LNA."
    )
    result = parse_extractor.extract(text, REGISTRY)
    new = {c.name: (c.suggested_type, c.aliases) for c in result.new_entities}
    assert new["Mohamed Hamdan Dagalo"] == ("Person", ("Hemedti",))
    assert "Hemedti" not in new and "Orchestra" not in new
    assert only(result, "egypt", "hosts", "new:mohamed-hamdan-dagalo").quote == "Egypt hosted Hemedti in 2025."
    assert "wagner" in {m.entity for m in result.mentions if m.surface == "Orchestra"}
