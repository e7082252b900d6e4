"""The parse extractor on relations said through nouns: roles, appositions, possessives, copulas, relationship
nouns ("ties to", "links with", "a merger of"), ruling bodies ("the junta under X").

One small sentence per construction (none taken from a shipped or held-out document), each asserting the
exact candidate: subject, predicate, object and certainty. The registry is made here, so the tests depend
neither on the shipped data nor on how new names are typed.
"""

from __future__ import annotations

import pytest
from parse_support import only, triples

from actorgraph.graph.extract.base import ExtractionResult
from actorgraph.graph.extract.parse import ParseExtractor
from actorgraph.graph.model import Entity

REGISTRY = {
    e.id: e
    for e in (
        Entity("algeria", ("State",), "Algeria"),
        Entity("russia", ("State",), "Russia"),
        Entity("belarus", ("State",), "Belarus"),
        Entity("venezuela", ("State",), "Venezuela"),
        Entity("bangladesh", ("State",), "Bangladesh"),
        Entity("kenya", ("State",), "Kenya"),
        Entity("somalia", ("State",), "Somalia"),
        Entity("saudi-arabia", ("State",), "Saudi Arabia"),
        Entity("qatar", ("State",), "Qatar"),
        Entity("myanmar", ("State",), "Myanmar"),
        Entity("ukraine", ("State",), "Ukraine"),
        Entity("verkhovna-rada", ("Legislature",), "Verkhovna Rada"),
        Entity("polisario", ("ArmedGroup",), "Polisario Front"),
        Entity("arakan-army", ("ArmedGroup",), "Arakan Army"),
        Entity("shabelle-brigade", ("ArmedGroup",), "Shabelle Brigade"),
        Entity("sna", ("ArmedForce",), "Somali National Army"),
        Entity("ansar-ahmed", ("ArmedGroup",), "Ansar Ahmed"),
        Entity("milf", ("ArmedGroup",), "Moro Islamic Liberation Front"),
        Entity("yakutumba", ("ArmedGroup",), "Mai-Mai Yakutumba"),
        Entity("fdlr", ("ArmedGroup",), "FDLR"),
        Entity("knu", ("ArmedGroup",), "Karen National Union"),
        Entity("kia", ("ArmedGroup",), "Kachin Independence Army"),
        Entity("boko-haram", ("ArmedGroup",), "Boko Haram"),
        Entity("ansar-dine", ("ArmedGroup",), "Ansar Dine"),
        Entity("mourabitoun", ("ArmedGroup",), "al-Mourabitoun"),
        Entity("nikolai-petrov", ("Person",), "Nikolai Petrov"),
        Entity("ahmed-saleh", ("Person",), "Ahmed Saleh"),
        Entity("maduro", ("Person",), "Nicolas Maduro"),
        Entity("shekau", ("Person",), "Abubakar Shekau"),
        Entity("al-shabaab", ("ArmedGroup",), "Al-Shabaab"),
        Entity("sufi", ("EthnicGroup",), "Sufi community"),
        Entity("muslim-brotherhood", ("PoliticalMovement",), "Muslim Brotherhood"),
        Entity("haftar", ("Person",), "Khalifa Haftar"),
        Entity("sinwar", ("Person",), "Yahya Sinwar"),
        Entity("hamas", ("ArmedGroup",), "Hamas"),
        Entity("taliban-office", ("Organization",), "Taliban Political Office"),
        Entity("slm", ("ArmedGroup",), "Sudan Liberation Movement"),
        Entity("joint-forces", ("ArmedGroup",), "Joint Forces"),
        Entity("minawi", ("Person",), "Minni Minawi"),
        Entity("wagner", ("ArmedGroup",), "Wagner Group"),
        Entity("prigozhin", ("Person",), "Yevgeny Prigozhin"),
        Entity("marib", ("City",), "Marib"),
        Entity("chibok", ("City",), "Chibok"),
        Entity("ruto", ("Person",), "William Ruto"),
        Entity("barre", ("Person",), "Hamza Barre"),
        Entity("bogdanov", ("Person",), "Mikhail Bogdanov"),
        Entity("ukrainian-lawmakers", ("Group",), "Ukrainian lawmakers"),
        Entity("somali-defence-minister", ("Person",), "Somalia's defence minister"),
        Entity("new-kia-leader", ("Person",), "the new leader of the Kachin Independence Army"),
        Entity("kenyan-diplomats", ("Group",), "Kenyan diplomats"),
        Entity("kenyan-embassy-mogadishu", ("DiplomaticMission",), "the embassy in Mogadishu"),
    )
}


@pytest.fixture(scope="session")
def extractor() -> ParseExtractor:
    return ParseExtractor()


def extract(extractor: ParseExtractor, text: str) -> ExtractionResult:
    return extractor.extract(text, REGISTRY)


def test_role_as_the_copula_subject_is_held_by_the_attribute(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The main backer of the Polisario Front is Algeria.")
    assert only(result, "algeria", "supports", "polisario").certainty == "stated"


def test_role_preposition_hung_on_the_copula(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Russia remains a donor to Belarus.")
    assert triples(result) == {("russia", "supports", "belarus")}
    assert only(result, "russia", "supports", "belarus").certainty == "stated"


def test_role_noun_with_a_demonym_is_an_official_of_that_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Nikolai Petrov, a Russian diplomat, left the country.")
    assert only(result, "nikolai-petrov", "officialOf", "russia").certainty == "stated"


def test_governor_of_a_place_in_apposition(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Ahmed Saleh, the governor of Marib, fled the city.")
    assert only(result, "ahmed-saleh", "officialOf", "marib").certainty == "stated"


def test_part_of_after_a_copula(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Shabelle Brigade is part of the Somali National Army.")
    assert triples(result) == {("shabelle-brigade", "partOf", "sna")}


def test_splinter_of_in_apposition(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Ansar Ahmed, a splinter of the Moro Islamic Liberation Front, attacked the town.")
    assert only(result, "ansar-ahmed", "affiliateOf", "milf").certainty == "stated"


def test_ties_of_a_noun_in_apposition_with_with(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Mai-Mai Yakutumba, a militia with ties to the FDLR, seized the mine.")
    assert only(result, "yakutumba", "cooperatesWith", "fdlr").certainty == "stated"


def test_links_held_through_have(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Karen National Union has close links with the Kachin Independence Army.")
    assert triples(result) == {("knu", "cooperatesWith", "kia")}


def test_severed_ties_are_no_cooperation(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Saudi Arabia severed its ties with Qatar in 2017.")
    assert not {t for t in triples(result) if t[1] == "cooperatesWith"}


def test_support_noun_with_the_giver_after_from(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Support for the Arakan Army from Bangladesh remains limited.")
    assert only(result, "bangladesh", "supports", "arakan-army").certainty == "stated"


def test_a_states_government_under_a_person(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Venezuela's government under Nicolas Maduro expelled the envoy.")
    assert only(result, "maduro", "leaderOf", "venezuela").certainty == "stated"


def test_under_the_leadership_of_a_person(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Under the leadership of Abubakar Shekau, Boko Haram attacked Chibok.")
    assert only(result, "shekau", "leaderOf", "boko-haram").certainty == "stated"


def test_under_the_leadership_of_a_person_past_the_place_it_hangs_on(extractor: ParseExtractor) -> None:
    # The parser hangs "under" on the place; the group is the one whose rise the clause is about.
    text = "The rise of Boko Haram in Borno State under the leadership of Abubakar Shekau alarmed Algeria."
    result = extract(extractor, text)
    assert only(result, "shekau", "leaderOf", "boko-haram").certainty == "stated"
    assert not [p for p in result.proposals if p.predicate == "leaderOf" and p.object != "boko-haram"]


@pytest.mark.parametrize(
    "text",
    ["Kenya is home to the Somali diaspora.", "Donors paid Kenya, already home to the Somali diaspora, in 2023."],
)
def test_home_to_a_people_hosts_them(extractor: ParseExtractor, text: str) -> None:
    diaspora = Entity("somali-diaspora", ("Community",), "Somali diaspora")
    result = extractor.extract(text, {**REGISTRY, "somali-diaspora": diaspora})
    assert only(result, "kenya", "hosts", "somali-diaspora").certainty == "stated"


def test_merger_of_two_groups(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The merger of Ansar Dine and al-Mourabitoun created a new coalition.")
    assert only(result, "ansar-dine", "alliedWith", "mourabitoun").certainty == "stated"


def test_accord_signed_with_a_state_keeps_its_year(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Karen National Union signed a ceasefire accord with Myanmar in 2015.")
    proposal = only(result, "knu", "cooperatesWith", "myanmar")
    assert (proposal.certainty, proposal.at) == ("stated", "2015")


def test_partner_to(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Kenya is a close partner to Somalia.")
    assert only(result, "kenya", "cooperatesWith", "somalia").certainty == "stated"


def test_possessed_organ_in_apposition_names_the_organ(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Verkhovna Rada, Ukraine's Parliament, approved the law.")
    assert only(result, "verkhovna-rada", "partOf", "ukraine").certainty == "stated"


def test_coordinated_holders_of_a_symmetric_role(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Russia and Belarus are close allies.")
    assert only(result, "russia", "alliedWith", "belarus").certainty == "stated"


def test_appointed_as_gives_the_role_to_the_appointee(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Moscow appointed Nikolai Petrov as ambassador of Russia.")
    assert triples(result) == {("nikolai-petrov", "officialOf", "russia")}


def test_deepened_relations_are_cooperation(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Myanmar deepened its relations with Bangladesh in 2019.")
    proposal = only(result, "myanmar", "cooperatesWith", "bangladesh")
    assert (proposal.certainty, proposal.at) == ("stated", "2019")


def test_relations_alone_say_nothing_of_their_kind(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Relations between Kenya and Somalia were tense in 2019.")
    assert not {t for t in triples(result) if t[1] == "cooperatesWith"}


def test_possessed_role_before_its_holder_read_as_two_subjects(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Russia's ally Belarus hosted the exercises.")
    assert only(result, "belarus", "alliedWith", "russia").certainty == "stated"


def test_support_that_came_from_a_giver(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Financial support for the Arakan Army came from Bangladesh.")
    assert only(result, "bangladesh", "supports", "arakan-army").certainty == "stated"


def test_persecution_of_a_community_by_its_possessor(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Al-Shabaab's persecution of the Sufi community continued in 2020.")
    proposal = only(result, "al-shabaab", "persecutes", "sufi")
    assert (proposal.certainty, proposal.at) == ("stated", "2020")


def test_distrust_of_a_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Somalia's distrust of Kenya has grown.")
    assert only(result, "somalia", "hostileTo", "kenya").certainty == "stated"


def test_opponent_in_apposition(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Khalifa Haftar, a fierce opponent of the Muslim Brotherhood, took Benghazi.")
    assert only(result, "haftar", "hostileTo", "muslim-brotherhood").certainty == "stated"


def test_one_of_the_leaders_of(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Yahya Sinwar, one of the leaders of Hamas, was killed.")
    assert only(result, "sinwar", "leaderOf", "hamas").certainty == "stated"


def test_home_to_after_a_copula(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Qatar is home to the Taliban Political Office.")
    assert only(result, "qatar", "hosts", "taliban-office").certainty == "stated"


def test_faction_of_a_person_is_led_by_that_person(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Sudan Liberation Movement faction of Minni Minawi is part of the Joint Forces.")
    assert only(result, "minawi", "leaderOf", "slm").certainty == "stated"
    assert only(result, "slm", "partOf", "joint-forces").certainty == "stated"
    assert ("minawi", "partOf", "joint-forces") not in triples(result)


def test_apposition_to_a_speaker_is_the_writers_claim(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Ahmed Saleh, the governor of Marib, says the city will hold.")
    proposal = only(result, "ahmed-saleh", "officialOf", "marib")
    assert (proposal.certainty, proposal.attributed_to) == ("stated", ())


def test_no_ties_is_a_denied_relation(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Karen National Union has no ties to the Kachin Independence Army.")
    assert only(result, "knu", "cooperatesWith", "kia").certainty == "denied"


def test_denied_links_are_the_deniers_claim(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Karen National Union denied any links with the Kachin Independence Army.")
    proposal = only(result, "knu", "cooperatesWith", "kia")
    assert (proposal.certainty, proposal.attributed_to) == ("denied", ("knu",))


def test_negated_copula_denies_the_role(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Bangladesh is not a donor to the Arakan Army.")
    assert only(result, "bangladesh", "supports", "arakan-army").certainty == "denied"


def test_contact_between_two_parties(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Qatar helped to establish contact between Somalia and Kenya.")
    assert only(result, "somalia", "engagesWith", "kenya").certainty == "stated"


def test_elected_president_of_a_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Nicolas Maduro was elected president of Venezuela in 2013.")
    proposal = only(result, "maduro", "leaderOf", "venezuela")
    assert (proposal.certainty, proposal.at) == ("stated", "2013")


def test_installed_as_governor(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The rebels installed Ahmed Saleh as governor of Marib.")
    assert only(result, "ahmed-saleh", "officialOf", "marib").certainty == "stated"


def test_prime_minister_in_a_state_leads_it(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Nikolai Petrov served as prime minister in Belarus.")
    assert only(result, "nikolai-petrov", "leaderOf", "belarus").certainty == "stated"


def test_support_for_the_juntas_of_two_states(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Russia's support for the juntas of Somalia and Kenya includes drones.")
    assert {t for t in triples(result) if t[1] == "supports"} == {
        ("russia", "supports", "somalia"),
        ("russia", "supports", "kenya"),
    }


def test_fought_on_the_side_of(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Belarus fought on the side of Russia in 2022.")
    proposal = only(result, "belarus", "alliedWith", "russia")
    assert (proposal.certainty, proposal.at) == ("stated", "2022")


def test_both_sides_name_no_ally(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Both sides agreed to a truce with Kenya.")
    assert not {t for t in triples(result) if t[1] == "alliedWith"}


def test_coalition_of_named_groups_has_them_as_members(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Joint Forces, a coalition of the Shabelle Brigade and Ansar Dine, took the town.")
    assert {t for t in triples(result) if t[1] == "memberOf"} == {
        ("shabelle-brigade", "memberOf", "joint-forces"),
        ("ansar-dine", "memberOf", "joint-forces"),
    }


def test_role_noun_with_examples_held_by_each(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Russia's allies, including Belarus and Venezuela, voted against the resolution.")
    assert {t for t in triples(result) if t[1] == "alliedWith"} == {
        ("belarus", "alliedWith", "russia"),
        ("venezuela", "alliedWith", "russia"),
    }


def test_holder_hung_on_the_group_after_the_role(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The head of the Wagner Group, Yevgeny Prigozhin, flew to Minsk.")
    assert only(result, "prigozhin", "leaderOf", "wagner").certainty == "stated"


# -- offices and descriptions with their state (office_frames.py)


def test_title_between_demonym_and_name_is_head_of_that_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Kenyan President William Ruto hosted the talks in March.")
    proposal = only(result, "ruto", "leaderOf", "kenya")
    assert (proposal.certainty, proposal.at) == ("stated", None)


def test_prime_minister_title_leads_the_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Somali Prime Minister Hamza Barre met the envoys.")
    assert ("barre", "leaderOf", "somalia") in triples(result)


def test_deputy_minister_title_is_an_official_not_the_leader(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Russian Deputy Foreign Minister Mikhail Bogdanov arrived in Kenya.")
    assert only(result, "bogdanov", "officialOf", "russia").certainty == "stated"
    assert ("bogdanov", "leaderOf", "russia") not in triples(result)


def test_unnamed_office_of_a_state_is_its_official(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Venezuela's oil minister resigned after the strike.")
    assert only(result, "new:venezuela-s-oil-minister", "officialOf", "venezuela").certainty == "stated"


def test_unnamed_head_of_state_gives_no_leader(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Kenya's president resigned after the strike.")
    assert not [t for t in triples(result) if t[1] == "leaderOf"], triples(result)


def test_lawmakers_by_demonym_are_members_of_the_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Officials said that Bangladeshi lawmakers condemned the killings.")
    proposal = only(result, "new:bangladeshi-lawmakers", "memberOf", "bangladesh")
    assert (proposal.certainty, proposal.attributed_to) == ("stated", ())


def test_ministry_by_demonym_is_part_of_the_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Qatari foreign ministry issued a statement on Somalia.")
    assert only(result, "new:qatari-foreign-ministry", "partOf", "qatar").certainty == "stated"


def test_coordinated_factions_of_a_state_are_two_parts(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Myanmar's moderate and hardline factions disagree on the ceasefire.")
    parts = {t for t in triples(result) if t[1] == "partOf"}
    assert parts == {
        ("new:myanmar-s-moderate-faction", "partOf", "myanmar"),
        ("new:myanmar-s-hardline-faction", "partOf", "myanmar"),
    }


def test_registry_description_by_demonym_belongs_to_its_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Ukrainian lawmakers voted against the bill.")
    assert only(result, "ukrainian-lawmakers", "memberOf", "ukraine").certainty == "stated"


def test_registry_description_with_a_possessive_is_found_and_belongs(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Somalia's defence minister visited Kenya.")
    assert only(result, "somali-defence-minister", "officialOf", "somalia").certainty == "stated"
    assert any(m.entity == "somali-defence-minister" for m in result.mentions)


def test_named_after_a_plural_role_noun_and_a_comma_hold_the_role(extractor: ParseExtractor) -> None:
    result = extract(
        extractor, "Two of the Arakan Army's senior commanders, Tun Myat and Kyaw Han, fled to Bangladesh."
    )
    assert ("new:tun-myat", "leaderOf", "arakan-army") in triples(result)
    assert ("new:kyaw-han", "leaderOf", "arakan-army") in triples(result)


def test_the_other_two_named_hold_the_role_counted_before(extractor: ParseExtractor) -> None:
    text = "Four members of Boko Haram were arrested in Chibok. The other two, Tun Myat and Kyaw Han, escaped to Kenya."
    result = extract(extractor, text)
    assert only(result, "new:tun-myat", "memberOf", "boko-haram").certainty == "stated"
    assert ("new:kyaw-han", "memberOf", "boko-haram") in triples(result)


def test_the_other_two_without_people_counted_before_say_nothing(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Kenya sent four envoys. The other two, Tun Myat and Kyaw Han, escaped to Somalia.")
    assert not [t for t in triples(result) if t[0] in ("new:tun-myat", "new:kyaw-han")], triples(result)


def test_as_prime_minister_hung_on_the_verb_goes_to_the_person_before(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Kenya welcomed the re-election of Hamza Barre as Prime Minister in Somalia.")
    assert ("barre", "leaderOf", "somalia") in triples(result)


def test_succeeding_someone_as_leader_is_not_the_predecessor_s_role(extractor: ParseExtractor) -> None:
    result = extract(
        extractor, "Analysts expect that Yahya Sinwar would succeed Abubakar Shekau as the leader of Hamas."
    )
    assert ("shekau", "leaderOf", "hamas") not in triples(result)


def test_registry_name_that_is_a_role_of_a_group_leads_it(extractor: ParseExtractor) -> None:
    result = extract(
        extractor, "Kenya alleged the presence of the new leader of the Kachin Independence Army in Bangladesh."
    )
    assert only(result, "new-kia-leader", "leaderOf", "kia").attributed_to == ()


def test_diplomats_stationed_at_a_mission_are_its_members_and_it_their_state_s(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Al-Shabaab abducted three Kenyan diplomats stationed at the embassy in Mogadishu.")
    assert only(result, "kenyan-diplomats", "memberOf", "kenyan-embassy-mogadishu").certainty == "stated"
    assert ("kenyan-embassy-mogadishu", "partOf", "kenya") in triples(result)
    assert ("kenyan-diplomats", "memberOf", "kenya") not in triples(result)


def test_capitalised_title_in_apposition_gives_the_office(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Tun Myat, the Arakan Army's High Representative for Rakhine, met Kyaw Han.")
    assert ("new:tun-myat", "officialOf", "arakan-army") in triples(result)


def test_a_named_faction_of_a_person_is_no_part_of_that_person(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Shabelle Brigade faction of Ahmed Saleh is part of the Somali National Army.")
    assert not [t for t in triples(result) if t[2] == "ahmed-saleh"], triples(result)


def test_title_before_a_name_with_the_state_after_it(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Prime Minister Hamza Barre of Somalia visited Nairobi.")
    assert only(result, "barre", "leaderOf", "somalia").certainty == "stated"


def test_junta_leader_with_a_military_rank_leads_the_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Burmese junta leader General Nikolai Petrov expelled the envoys.")
    assert ("nikolai-petrov", "leaderOf", "myanmar") in triples(result)


def test_office_of_a_two_word_state_is_described_with_the_whole_state(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Saudi Arabia's foreign ministry condemned the strike.")
    assert only(result, "new:saudi-arabia-s-foreign-ministry", "partOf", "saudi-arabia").certainty == "stated"


def test_office_in_apposition_to_a_name_is_no_entity_of_its_own(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Nikolai Petrov, Russia's defence minister, visited Belarus.")
    assert only(result, "nikolai-petrov", "officialOf", "russia").certainty == "stated"
    assert not [c for c in result.new_entities if "minister" in c.name], result.new_entities


def test_a_named_body_of_a_titled_person_is_led_by_that_person(extractor: ParseExtractor) -> None:
    result = extract(extractor, "The Somali National Army of General Ahmed Saleh shelled the town.")
    assert only(result, "ahmed-saleh", "leaderOf", "sna").certainty == "stated"


def test_coordinated_demonyms_before_lawmakers_are_one_group_each(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Kenya and Somalia disagree. Kenyan and Somali lawmakers called for new talks.")
    members = {t for t in triples(result) if t[1] == "memberOf"}
    assert members == {
        ("new:kenyan-lawmakers", "memberOf", "kenya"),
        ("new:somali-lawmakers", "memberOf", "somalia"),
    }


def test_head_of_a_state_s_unnamed_ministry_leads_the_ministry(extractor: ParseExtractor) -> None:
    result = extract(extractor, "Nikolai Petrov, the head of Russia's interior ministry, resigned.")
    assert only(result, "nikolai-petrov", "leaderOf", "new:russia-s-interior-ministry").certainty == "stated"
    assert ("new:russia-s-interior-ministry", "partOf", "russia") in triples(result)
    assert ("nikolai-petrov", "leaderOf", "russia") not in triples(result)
