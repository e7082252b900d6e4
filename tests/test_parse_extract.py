"""The parse extractor on small sentences written for each construction it reads.

Each test names the construction and asserts the exact candidate (subject, predicate, object,
certainty, attribution, time). The pipeline is loaded once per session; the registry is a
small one made here, so the tests do not depend on the shipped data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from parse_support import only, triples

from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.extract import get_extractor
from actorgraph.graph.extract.base import ExtractionResult
from actorgraph.graph.extract.lexicon import load_lexicon
from actorgraph.graph.extract.nlp import load_pipeline, parse
from actorgraph.graph.extract.parse import ParseExtractor
from actorgraph.graph.model import Entity
from actorgraph.graph.sources import load_corpus

REGISTRY = {
    e.id: e
    for e in (
        Entity("pakistan", ("State",), "Pakistan"),
        Entity("afghanistan", ("State",), "Afghanistan"),
        Entity("iran", ("State",), "Iran"),
        Entity("china", ("State",), "China"),
        Entity("russia", ("State",), "Russia"),
        Entity("turkey", ("State",), "Turkey"),
        Entity("united-states", ("State",), "United States", aliases=("US",)),
        Entity("taliban", ("ArmedGroup",), "Taliban"),
        Entity("ttp", ("ArmedGroup",), "TTP"),
        Entity("isi", ("IntelligenceService",), "Inter-Services Intelligence", aliases=("ISI",)),
    )
}


@pytest.fixture(scope="session")
def extractor() -> ParseExtractor:
    return ParseExtractor()


def extract(extractor: ParseExtractor, text: str) -> ExtractionResult:
    return extractor.extract(text, REGISTRY)


def new_entity(result: ExtractionResult, name: str) -> tuple[str, str, tuple[str, ...]]:
    found = [c for c in result.new_entities if c.name == name]
    assert found, [c.name for c in result.new_entities]
    return found[0].key, found[0].suggested_type, found[0].aliases


def test_parse_passive_agent_and_demonym(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Pakistani soldiers were killed by the TTP in March 2023.")
    p = only(result, "ttp", "kills", "pakistan")
    assert (p.certainty, p.attributed_to, p.at, p.family) == ("stated", (), "2023-03", "killings")


def test_parse_coordination_of_themes_and_objects(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Iran supplied funds, weapons and advisers to the Taliban and the TTP.")
    assert triples(result) == {
        ("iran", predicate, obj) for predicate in ("funds", "arms", "trains") for obj in ("taliban", "ttp")
    }


def test_parse_coordinated_verbs_share_their_object(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The ISI funded and armed the Taliban.")
    assert triples(result) == {("isi", "funds", "taliban"), ("isi", "arms", "taliban")}


def test_parse_apposition_and_acronym_make_an_aliased_new_entity(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Lashkar-e-Khurasan (LeK), an affiliate of the TTP, attacked Pakistan.")
    key, kind, aliases = new_entity(result, "Lashkar-e-Khurasan")
    assert (key, kind, aliases) == ("new:lashkar-e-khurasan", "ArmedGroup", ("LeK",))
    assert triples(result) == {(key, "affiliateOf", "ttp"), (key, "attacks", "pakistan")}


def test_parse_acronym_names_the_same_entity_later(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Lashkar-e-Khurasan (LeK) was formed in 2019. Iran later armed the LeK.")
    assert triples(result) == {("iran", "arms", "new:lashkar-e-khurasan")}


def test_parse_nominalisation_with_possessor(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Pakistan's support for the Taliban worried its neighbours.")
    p = only(result, "pakistan", "supports", "taliban")
    assert (p.certainty, p.cue) == ("stated", "noun:support")


def test_parse_nominalisation_with_by_and_of(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The bombing of the Iranian embassy by the TTP shocked the region.")
    assert triples(result) == {("ttp", "attacks", "iran")}


def test_parse_light_verb_carries_the_noun(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The United States launched air strikes on Taliban positions in 2001.")
    p = only(result, "united-states", "attacks", "taliban")
    assert p.at == "2001"


def test_parse_attribution_according_to(extractor: ParseExtractor) -> None:
    result = extract(extractor, "According to Afghan officials, Pakistan funded the TTP.")
    p = only(result, "pakistan", "funds", "ttp")
    assert (p.certainty, p.attributed_to) == ("reported", ("afghanistan",))


def test_parse_accusation_with_capitals_for_states(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Washington accused Islamabad of arming the Taliban.")
    p = only(result, "pakistan", "arms", "taliban")
    assert (p.certainty, p.attributed_to) == ("alleged", ("united-states",))
    assert ("united-states", "accuses", "pakistan") in triples(result)


def test_parse_denial(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Pakistan denied sheltering the TTP.")
    p = only(result, "pakistan", "hosts", "ttp")
    assert (p.certainty, p.attributed_to) == ("denied", ("pakistan",))


def test_parse_negation(extractor: ParseExtractor) -> None:
    result = extract(extractor, "China did not recognise the Taliban.")
    p = only(result, "china", "recognises", "taliban")
    assert (p.certainty, p.attributed_to) == ("denied", ())


def test_parse_hedge_adverb(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Russia reportedly supplied weapons to the Taliban.")
    p = only(result, "russia", "arms", "taliban")
    assert p.certainty == "reported"


def test_parse_assessment_verb(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Analysts expect that Iran will arm the TTP.")
    p = only(result, "iran", "arms", "ttp")
    assert p.certainty == "forecast"


def test_parse_time_month_since_and_decade(extractor: ParseExtractor) -> None:
    at = only(extract(extractor, "In December 2022, the Taliban expelled Pakistani diplomats."), *_e("expels"))
    since = only(extract(extractor, "Since October 2023 Iran has hosted the TTP."), "iran", "hosts", "ttp")
    decade = only(extract(extractor, "In the 1990s the ISI funded the Taliban."), "isi", "funds", "taliban")
    assert (at.at, at.start_time) == ("2022-12", None)
    assert (since.start_time, since.at) == ("2023-10", None)
    assert (decade.start_time, decade.end_time) == ("1990", "1999")


def _e(predicate: str) -> tuple[str, str, str]:
    return ("taliban", predicate, "pakistan")


def test_parse_coreference_the_group_and_it(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The TTP was founded in 2007. The group attacked Pakistan. It also fought the Taliban.")
    assert triples(result) == {("ttp", "attacks", "pakistan"), ("ttp", "hostileTo", "taliban")}
    assert only(result, "ttp", "attacks", "pakistan").confidence < 0.7  # found through coreference


def test_parse_relative_clause(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Pakistan attacked the TTP, which the Taliban have sheltered since 2021.")
    assert triples(result) == {("taliban", "hosts", "ttp"), ("pakistan", "attacks", "ttp")}
    assert only(result, "taliban", "hosts", "ttp").start_time == "2021"
    passive = extract(extractor, "Pakistan attacked the TTP, which is sheltered by the Taliban.")
    assert triples(passive) == {("taliban", "hosts", "ttp"), ("pakistan", "attacks", "ttp")}


def test_parse_possessed_organ_is_part_of_its_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Pakistan's Inter-Services Intelligence trained the Taliban in 1995.")
    organ = only(result, "isi", "partOf", "pakistan")
    assert (organ.at, organ.cue) == (None, "possessed-organ")
    assert only(result, "isi", "trains", "taliban").at == "1995"


def test_parse_possessing_person_leads_the_group(extractor: ParseExtractor) -> None:
    result = extract(extractor, "In 2014 Khalifa Haftar's Libyan National Army attacked the Taliban.")
    kinds = {c.name: c.suggested_type for c in result.new_entities}
    assert (kinds["Khalifa Haftar"], kinds["Libyan National Army"]) == ("Person", "ArmedGroup")
    led = only(result, "new:khalifa-haftar", "leaderOf", "new:libyan-national-army")
    assert (led.at, led.cue) == (None, "possessed-led")


def test_parse_quantity_on_the_object(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The TTP killed at least 54 Pakistani soldiers.")
    p = only(result, "ttp", "kills", "pakistan")
    assert (p.quantity, p.unit) == (54, "soldiers")


def test_parse_copular_role_makes_a_new_person_leader(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Noor Wali Mehsud is the leader of the TTP.")
    key, kind, _aliases = new_entity(result, "Noor Wali Mehsud")
    assert (key, kind) == ("new:noor-wali-mehsud", "Person")
    assert triples(result) == {(key, "leaderOf", "ttp")}


def test_parse_new_entities_split_and_typed(extractor: ParseExtractor) -> None:
    result = extract(
        extractor,
        "General Asim Munir visited Khost and Paktika provinces, the Mes Aynak mine and the Zainabiyoun Brigade.",
    )
    kinds = {c.name: c.suggested_type for c in result.new_entities}
    assert kinds["Asim Munir"] == "Person"
    assert (kinds["Khost"], kinds["Paktika"]) == ("Province", "Province")
    assert kinds["Mes Aynak"] == "Infrastructure"
    assert kinds["Zainabiyoun Brigade"] == "Militia"


def test_parse_capital_acts_for_its_state_in_talks(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Beijing convened talks between the Taliban and Pakistan.")
    assert triples(result) == {("china", "mediates", "taliban"), ("china", "mediates", "pakistan")}


def test_parse_mentions_carry_offsets_and_registry_ids(extractor: ParseExtractor) -> None:
    text = "Pakistani officials met the TTP."
    result = extract(extractor, text)
    assert [(m.entity, text[m.start : m.end], m.how) for m in result.mentions] == [
        ("pakistan", "Pakistani", "demonym"),
        ("ttp", "TTP", "exact"),
    ]


def test_parse_every_quote_is_verbatim_on_a_shipped_document(extractor: ParseExtractor) -> None:
    corpus = load_corpus()
    doc = corpus.documents["yousafzai-2024"]
    result = extractor.extract(doc.text, corpus.entities)
    assert len(result.proposals) >= 10
    assert all(doc.text[p.start : p.end] == p.quote for p in result.proposals if p.start is not None and p.end)
    assert all("\n" not in p.quote for p in result.proposals)


def test_parse_extractor_is_registered_and_versioned() -> None:
    extractor = get_extractor("parse")
    assert extractor.name == "parse"
    assert load_lexicon().version in extractor.version


def test_parse_pipeline_loads_once_and_parses_once() -> None:
    model = ParseExtractor().model
    assert load_pipeline(model) is load_pipeline(model)
    assert parse("Iran armed the TTP.", model) is parse("Iran armed the TTP.", model)


def test_parse_missing_pipeline_is_one_clear_error() -> None:
    with pytest.raises(ExtractionError, match="spaCy pipeline 'no_such_pipeline' is not installed") as error:
        load_pipeline("no_such_pipeline")
    assert "\n" not in str(error.value)


def test_parse_lexicon_with_an_unknown_predicate_is_refused(tmp_path: Path) -> None:
    text = Path(load_lexicon.__wrapped__.__defaults__[0]).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(text.replace("fund:      [{predicate: funds", "fund:      [{predicate: bankrolls"), encoding="utf-8")
    with pytest.raises(ExtractionError, match=r"verbs\.fund: unknown predicate 'bankrolls'"):
        load_lexicon(bad)


def test_parse_anti_prefix_makes_the_holder_hostile(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Iran armed the anti-Taliban Northern Alliance.")
    key, _kind, _aliases = new_entity(result, "Northern Alliance")
    assert triples(result) == {("iran", "arms", key), (key, "hostileTo", "taliban")}


def test_parse_meeting_between_two_parties(extractor: ParseExtractor) -> None:
    result = extract(extractor, "In May 2023, China hosted a meeting between the Taliban and Pakistan.")
    p = only(result, "taliban", "meetsWith", "pakistan")
    assert (p.at, p.family) == ("2023-05", "meetings")


def test_parse_receiving_reverses_the_roles(extractor: ParseExtractor) -> None:
    verb = extract(extractor, "The TTP received weapons from Iran.")
    noun = extract(extractor, "The Taliban received support from Pakistan in 1996.")
    assert triples(verb) == {("iran", "arms", "ttp")}
    assert only(noun, "pakistan", "supports", "taliban").at == "1996"


def test_parse_participle_backed(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The TTP, an Afghanistan-backed group, attacked Pakistan.")
    assert ("afghanistan", "supports", "ttp") in triples(result)


def test_parse_examples_stand_for_the_noun_and_demonyms_only_through_state_agents(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Iran funded militant groups such as the TTP. Afghan refugees fled the Taliban.")
    assert triples(result) == {("iran", "funds", "ttp")}


def test_parse_denied_copular_role_with_a_possessive_pronoun(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Ankara denies that the Syrian National Army (SNA) is its proxy.")
    key, kind, aliases = new_entity(result, "Syrian National Army")
    assert (kind, aliases) == ("ArmedGroup", ("SNA",))
    p = only(result, key, "proxyOf", "turkey")
    assert (p.certainty, p.attributed_to) == ("denied", ("turkey",))


def test_parse_blame_for_an_attack_names_doer_and_target(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Afghan officials blamed the TTP for the Kabul University attack in 2015.")
    p = only(result, "ttp", "attacks", "new:kabul-university")
    assert (p.certainty, p.attributed_to, p.at) == ("alleged", ("afghanistan",), "2015")
    assert only(result, "afghanistan", "accuses", "ttp").certainty == "stated"


def test_parse_date_of_a_relative_clause_stays_there(extractor: ParseExtractor) -> None:
    text = "The TTP, which pledged allegiance to the Taliban in 2012, has attacked Pakistan since then."
    result = extract(extractor, text)
    assert only(result, "ttp", "affiliateOf", "taliban").at == "2012"
    assert only(result, "ttp", "attacks", "pakistan").at is None


def test_parse_appositive_name_is_the_party(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Its intelligence service, the ISI, provided funds and training to the TTP.")
    assert triples(result) == {("isi", "funds", "ttp"), ("isi", "trains", "ttp")}


def test_parse_assessment_verb_outranks_a_modal(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Analysts argue that Islamabad may expel Taliban envoys.")
    p = only(result, "pakistan", "expels", "taliban")
    assert (p.certainty, p.attributed_to) == ("assessed", ())


def test_parse_plural_demonym_object_is_people_not_the_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Pakistan deported 500,000 Afghans between November 2023 and April 2024.")
    assert triples(result) == set()


def test_parse_hosting_visitors_is_a_meeting(extractor: ParseExtractor) -> None:
    result = extract(extractor, "China hosted Taliban ministers in Beijing in May 2023.")
    p = only(result, "china", "meetsWith", "taliban")
    assert p.at == "2023-05"


def test_parse_they_stands_for_a_coordination(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Taliban and the TTP met in Kabul. Later they attacked Pakistan.")
    assert {t for t in triples(result) if t[1] == "attacks"} == {
        ("taliban", "attacks", "pakistan"),
        ("ttp", "attacks", "pakistan"),
    }


def test_parse_casualties_of_an_attack(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The TTP attacked Pakistan in May 2023, killing at least 54 people.")
    p = only(result, "ttp", "attacks", "pakistan")
    assert (p.quantity, p.unit, p.at) == (54, "people killed", "2023-05")


def test_parse_with_backing_helps_the_clause_subject(extractor: ParseExtractor) -> None:
    result = extract(extractor, "With Iranian backing, the TTP attacked Pakistan in 2022.")
    assert triples(result) == {("iran", "supports", "ttp"), ("ttp", "attacks", "pakistan")}
    assert only(result, "iran", "supports", "ttp").at == "2022"


def test_parse_relation_adjectives(extractor: ParseExtractor) -> None:
    copula = extract(extractor, "Since 2021 the TTP has remained hostile to Pakistan.")
    attributive = extract(extractor, "Militias loyal to Iran attacked the TTP.")
    assert only(copula, "ttp", "hostileTo", "pakistan").start_time == "2021"
    assert ("iran", "attacks", "ttp") not in triples(attributive)
    assert triples(extract(extractor, "The TTP is closely allied with the Taliban.")) == {
        ("ttp", "alliedWith", "taliban")
    }


def test_parse_the_two_countries(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Iran and Pakistan share a border. In 2024, tensions between the two countries rose.")
    p = only(result, "iran", "hostileTo", "pakistan")
    assert p.at == "2024"


def test_parse_claimed_responsibility(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The TTP claimed responsibility for the bombing of a Pakistani army convoy.")
    p = only(result, "ttp", "attacks", "pakistan")
    assert (p.certainty, p.attributed_to) == ("reported", ("ttp",))


def test_parse_group_in_a_country_is_based_there(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The TTP in Afghanistan attacked Pakistan.")
    assert triples(result) == {("ttp", "basedIn", "afghanistan"), ("ttp", "attacks", "pakistan")}
    assert only(result, "ttp", "basedIn", "afghanistan").place is None
