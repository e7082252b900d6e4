"""Each named query answers its analyst's question on the real graph: the answers the documents give."""

from __future__ import annotations

from pathlib import Path

import pytest

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.config import Settings
from actorgraph.graph.errors import QueryParameterError
from actorgraph.graph.named_queries import load_all

RES = "https://w3id.org/actorgraph/resource/"
AG = "https://w3id.org/actorgraph/ontology#"
YOUSAFZAI = "yousafzai-2024"
NABIL = "nabil-commentary"
# The reasoning engineer's queries live in the same folder; these are the analysts' questions.
ANALYST_QUERIES = sorted(n for n in load_all() if not n.startswith("reasoning_"))


def run(kg: KnowledgeGraph, name: str, **params: str) -> list[dict[str, str]]:
    """Rows of a named query as plain strings ('' for unbound)."""
    result = kg.run_named(name, params)
    variables = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{v: "" if row[v] is None else row[v].value for v in variables} for row in result]  # type: ignore[union-attr]


def interval(when: str) -> tuple[int, int]:
    """The years of a 'when' column: '1998', '2001..', '1990..1999', '..2015' (open ends unbounded)."""
    if ".." not in when:
        return int(when[:4]), int(when[:4])
    start, end = when.split("..")
    return (int(start[:4]) if start else -9999), (int(end[:4]) if end else 9999)


# ---------------------------------------------------------------------------- the catalogue itself


def test_named_queries_catalogue_has_thirty_documented_queries() -> None:
    assert len(ANALYST_QUERIES) >= 30
    for name in ANALYST_QUERIES:
        query = load_all()[name]
        assert query.title and query.title != name, name
        assert len(query.description) > 60, name
        assert query.tags, name
        for param in query.parameters:
            assert param.help, f"{name}: parameter {param.name} has no help"


@pytest.mark.parametrize("name", ANALYST_QUERIES)
def test_named_queries_parameters_are_projected(name: str) -> None:
    # pyoxigraph refuses a substitution for a variable missing from the SELECT projection.
    query = load_all()[name]
    projection = query.sparql.split("WHERE", 1)[0]
    for param in query.parameters:
        assert f"?{param.name}" in projection, f"{name}: ?{param.name} is not projected"


def test_named_queries_bind_strings_as_literals_not_query_text(kg: KnowledgeGraph) -> None:
    hostile = '") } } DELETE WHERE { ?s ?p ?o } #'
    assert run(kg, "entity_search", text=hostile) == []
    assert run(kg, "entity_search", text="ISIS-K")  # the graph is intact


def test_named_queries_reject_wrongly_typed_parameters(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryParameterError):
        run(kg, "adversaries_at_year", year="nineteen ninety-eight")
    with pytest.raises(QueryParameterError):
        run(kg, "actors_supported_by", sponsor="not an iri")


# ---------------------------------------------------------------------------- support, hosting, proxies


def test_actors_supported_by_iran_includes_northern_alliance_from_2001(kg: KnowledgeGraph) -> None:
    rows = run(kg, "actors_supported_by")
    northern = [r for r in rows if r["actor"] == RES + "northern-alliance"]
    assert northern and northern[0]["document"] == YOUSAFZAI
    assert northern[0]["when"].startswith("2001")
    assert "Iran backed the anti-Taliban Northern Alliance" in northern[0]["quote"]
    # How: Iran armed and funded the forces fighting the Taliban after 1998 (Nabil).
    anti = {r["how"] for r in rows if r["actor"] == RES + "anti-taliban-forces" and r["document"] == NABIL}
    assert {"arms", "funds"} <= anti
    assert all(r["sponsor"] == RES + "iran" and r["certainty"] != "denied" for r in rows)


def test_actors_supported_by_quds_force_arms_and_funds_the_taliban(kg: KnowledgeGraph) -> None:
    rows = run(kg, "actors_supported_by", sponsor=RES + "quds-force")
    taliban = {(r["how"], r["when"]) for r in rows if r["actor"] == RES + "taliban"}
    assert ("arms", "2011..2012") in taliban and ("funds", "2011..2012") in taliban


def test_who_hosted_whom_iran_sheltered_taliban_and_al_qaeda_after_2001(kg: KnowledgeGraph) -> None:
    rows = run(kg, "who_hosted_whom")
    after_2001 = {r["guest"] for r in rows if r["host"] == RES + "iran" and r["when"].startswith("2001")}
    assert {RES + "taliban", RES + "al-qaeda"} <= after_2001
    diaspora = [r for r in rows if r["host"] == RES + "iran" and r["guest"] == RES + "afghan-diaspora"]
    assert diaspora[0]["quantity"] == "2500000" and "2.5 million" in diaspora[0]["quote"]
    only_pakistan = run(kg, "who_hosted_whom", host=RES + "pakistan")
    assert only_pakistan and {r["host"] for r in only_pakistan} == {RES + "pakistan"}


def test_proxies_and_sponsors_from_sponsorship_statements(kg: KnowledgeGraph) -> None:
    rows = run(kg, "proxies_and_sponsors")
    pairs = {(r["proxy"], r["sponsor"], r["how"], r["document"]) for r in rows}
    assert (RES + "fatemiyoun-division", RES + "iran", "directs", YOUSAFZAI) in pairs
    assert (RES + "taliban", RES + "quds-force", "arms", NABIL) in pairs
    quds = [r for r in rows if r["sponsor"] == RES + "quds-force"]
    # The Quds Force is "the extraterritorial branch of the IRGC": its chain ends at the IRGC (or Iran).
    assert {r["sponsorParent"] for r in quds} <= {"Islamic Revolutionary Guard Corps", "Iran"}
    assert all(r["sponsorParent"] for r in quds)


def test_support_network_names_the_organ_channel(kg: KnowledgeGraph) -> None:
    rows = run(kg, "support_network")
    via_quds = [r for r in rows if r["supporter"] == RES + "quds-force" and r["supported"] == RES + "taliban"]
    assert via_quds and all(r["channel"] == "through Quds Force" for r in via_quds)
    assert {r["onBehalfOfLabel"] for r in via_quds} <= {"Islamic Revolutionary Guard Corps", "Iran"}
    direct = [r for r in rows if r["supporter"] == RES + "iran" and r["supported"] == RES + "northern-alliance"]
    assert direct and direct[0]["channel"] == "direct" and direct[0]["onBehalfOf"] == RES + "iran"


def test_sponsorship_chains_quds_force_to_the_taliban(kg: KnowledgeGraph) -> None:
    rows = run(kg, "sponsorship_chains")
    quds = [r for r in rows if r["organ"] == RES + "quds-force" and r["group"] == RES + "taliban"]
    assert quds, "no chain through the Quds Force"
    assert all(r["organPath"].startswith("Quds Force < Islamic Revolutionary Guard Corps") for r in quds)
    assert {"arms", "funds"} <= {r["how"] for r in quds}
    fatemiyoun = [r for r in rows if r["group"] == RES + "fatemiyoun-division"]
    assert fatemiyoun and "recruits from Hazara" in fatemiyoun[0]["onward"]


def test_state_organs_of_iran_and_of_the_irgc(kg: KnowledgeGraph) -> None:
    organs = {r["organ"]: r for r in run(kg, "state_organs")}
    assert organs[RES + "majles"]["organType"] == "legislature"
    assert "Iran's Parliament" in organs[RES + "majles"]["quote"]
    assert RES + "iranian-consulate-mazar-i-sharif" in organs
    irgc = run(kg, "state_organs", state=RES + "irgc")
    quds = [r for r in irgc if r["organ"] == RES + "quds-force"]
    assert quds and "extraterritorial branch of the IRGC" in quds[0]["quote"]


# ---------------------------------------------------------------------------- violence and adversaries


def test_attacks_tehran_2017_with_targets_date_and_casualties(kg: KnowledgeGraph) -> None:
    all_rows = run(kg, "attacks")
    rows = {(r["event"], r["document"]): r for r in all_rows}
    # The Islamic State's "inaugural assault on Iranian soil on 7 June 2017".
    tehran = next(r for r in all_rows if r["date"] == "2017-06-07" and r["document"] == YOUSAFZAI)
    assert tehran["perpetrators"] == "Islamic State"
    assert "Majles-e Shor aye Eslami" in tehran["targets"] and "Khomeini" in tehran["targets"]
    assert (tehran["date"], tehran["fatalities"], tehran["injuries"]) == ("2017-06-07", "17", "50")
    assert rows[(RES + "kerman-attack-2024", YOUSAFZAI)]["date"] == "2024-01-03"
    assert rows[(RES + "kerman-attack-2024", YOUSAFZAI)]["place"] == "Kerman"


def test_attacks_mazar_i_sharif_told_twice(kg: KnowledgeGraph) -> None:
    rows = {(r["event"], r["document"]): r for r in run(kg, "attacks")}
    mazar_y = rows[(RES + "mazar-i-sharif-1998-killings", YOUSAFZAI)]
    mazar_n = rows[(RES + "mazar-i-sharif-1998-killings", NABIL)]
    assert mazar_y["perpetrators"] == "Taliban" and "Iranian diplomats (8 diplomats)" in mazar_y["targets"]
    assert "Iranian diplomats (10 diplomats)" in mazar_n["targets"] and "journalist" in mazar_n["targets"]
    assert mazar_n["fatalities"] == "11"
    assert mazar_y["date"] == mazar_n["date"] == "1998"
    assert mazar_y["place"] == mazar_n["place"] == "Mazar-i-Sharif"


def test_adversaries_at_year_taliban_in_1998(kg: KnowledgeGraph) -> None:
    rows = run(kg, "adversaries_at_year")  # defaults: the Taliban, 1998
    assert {r["year"] for r in rows} == {"1998"}
    iran = [r for r in rows if r["adversary"] == RES + "iran"]
    assert {r["document"] for r in iran} == {YOUSAFZAI, NABIL}
    assert RES + "iranian-diplomats" in {r["adversary"] for r in rows}
    for row in rows:  # every row's interval contains 1998
        first, last = interval(row["when"])
        assert first <= 1998 <= last, row


def test_adversaries_at_year_honours_closed_and_open_intervals(kg: KnowledgeGraph) -> None:
    taliban = RES + "taliban"
    in_1995 = {r["adversary"] for r in run(kg, "adversaries_at_year", actor=taliban, year="1995")}
    in_2005 = {r["adversary"] for r in run(kg, "adversaries_at_year", actor=taliban, year="2005")}
    # The 1990s mass killings of Hazara (1990..1999) hold in 1995, not in 2005.
    assert RES + "hazara" in in_1995
    # Attacks on US military bases "in the following years" after 2001 (open end) hold in 2005.
    assert RES + "us-military" in in_2005 and RES + "us-military" not in in_1995
    later = run(kg, "adversaries_at_year", actor=taliban, year="2022")
    assert not [r for r in later if r["when"] in ("1998", "1990..1999")]
    assert not [r for r in later if r["certainty"] in ("denied", "forecast")]


def test_common_enemies_of_iran_and_the_taliban(kg: KnowledgeGraph) -> None:
    rows = {r["enemy"]: r for r in run(kg, "common_enemies")}
    assert RES + "iskp" in rows and RES + "united-states" in rows
    iskp = rows[RES + "iskp"]
    assert set(iskp["documents"].split(", ")) == {NABIL, YOUSAFZAI}
    assert "hostile to" in iskp["relations1"] and "hostile to" in iskp["relations2"]
    assert RES + "iran" not in rows and RES + "taliban" not in rows


def test_targets_of_iskp(kg: KnowledgeGraph) -> None:
    rows = run(kg, "targets_of")
    direct = {r["target"] for r in rows if r["via"] == "direct"}
    assert {RES + "shia", RES + "hazara", RES + "iran", RES + "taliban"} <= direct
    hazara = [r for r in rows if r["target"] == RES + "hazara"]
    assert "persecutes" in {r["relation"] for r in hazara}
    # The Kerman attack of January 2024 was by a cell connected to ISKP's wider network.
    kerman = [r for r in rows if r["target"] == RES + "kerman"]
    assert kerman and kerman[0]["via"].startswith("event by affiliate")


# ---------------------------------------------------------------------------- time


def test_dyad_timeline_iran_taliban_is_chronological(kg: KnowledgeGraph) -> None:
    rows = run(kg, "dyad_timeline")
    years = [int(r["year"]) for r in rows if r["year"]]
    assert years == sorted(years) and years[0] == 1990
    undated_from = next(i for i, r in enumerate(rows) if not r["year"])
    assert all(not r["year"] for r in rows[undated_from:])
    events = {(r["when"], r["relation"], r["certainty"], r["document"]) for r in rows}
    assert ("1998", "hostile to", "stated", NABIL) in events
    assert ("1998", "hostile to", "stated", YOUSAFZAI) in events
    assert ("2015..", "rapprochement with", "stated", YOUSAFZAI) in events
    assert ("2021-08..", "hostile to", "denied", YOUSAFZAI) in events
    omar = [r for r in rows if r["claimedBy"] == "Mullah Omar"]
    assert omar and omar[0]["role"] == "brothers in Islam"


def test_dyad_timeline_iran_and_al_qaeda_from_2001(kg: KnowledgeGraph) -> None:
    rows = run(kg, "dyad_timeline", actor2=RES + "al-qaeda")
    first = {(r["subjectLabel"], r["relation"], r["certainty"]) for r in rows if r["year"] == "2001"}
    # After 9/11 Iran became a safe haven, imprisoned some members; it was reported some escaped to Iran.
    assert ("Iran", "hosts or shelters", "stated") in first
    assert ("Iran", "imprisons", "stated") in first
    assert ("Al-Qaeda", "relocates to", "reported") in first
    assert {r["document"] for r in rows} == {NABIL}


def test_dyad_timeline_includes_organs_unless_parts_is_false(kg: KnowledgeGraph) -> None:
    # The Quds Force is "the extraterritorial branch of the IRGC": its arming of the Taliban is IRGC-Taliban history.
    with_parts = run(kg, "dyad_timeline", actor1=RES + "irgc", actor2=RES + "taliban")
    arming = [r for r in with_parts if r["subjectLabel"] == "Quds Force" and r["relation"] == "arms"]
    assert arming and arming[0]["when"] == "2011..2012" and arming[0]["document"] == NABIL
    exact = run(kg, "dyad_timeline", actor1=RES + "irgc", actor2=RES + "taliban", parts="false")
    assert not [r for r in exact if r["subjectLabel"] == "Quds Force"]


def test_relation_through_time_iran_taliban_phases(kg: KnowledgeGraph) -> None:
    phases = {(r["when"], r["tone"]): r for r in run(kg, "relation_through_time")}
    assert set(phases[("1998", "hostile")]["documents"].split(", ")) == {NABIL, YOUSAFZAI}
    assert ("1990..1999", "hostile") in phases
    assert ("2015..", "cooperative") in phases
    assert ("2021-08..", "not hostile") in phases
    assert ("2011..2012", "engagement") in phases  # "entered a new phase" (Nabil)
    years = [int(r["year"]) for r in run(kg, "relation_through_time")]
    assert years == sorted(years)


def test_events_by_year_2024(kg: KnowledgeGraph) -> None:
    rows = run(kg, "events_by_year", year="2024")
    dates = {r["event"]: r["date"] for r in rows}
    assert dates[RES + "kerman-attack-2024"] == "2024-01-03"
    assert dates[RES + "istanbul-attack-2024"] == "2024-01-28"
    assert {r["eventYear"] for r in rows} == {"2024"}
    everything = run(kg, "events_by_year")
    assert [r["date"] for r in everything] == sorted(r["date"] for r in everything)
    assert len(everything) > len(rows)


def test_undated_statements_have_no_time(kg: KnowledgeGraph) -> None:
    rows = run(kg, "undated_statements")
    ids = {r["statement"].rsplit("/", 1)[-1] for r in rows}
    assert "iran-directs-fatemiyoun" in ids
    assert "iran-backs-northern-alliance" not in ids  # dated 2001
    nabil = run(kg, "undated_statements", document=RES + "document/" + NABIL)
    assert nabil and {r["documentId"] for r in nabil} == {NABIL}


# ---------------------------------------------------------------------------- provenance and certainty


def test_contested_facts_lists_mazar_i_sharif_eight_versus_ten(kg: KnowledgeGraph) -> None:
    rows = run(kg, "contested_facts")
    mazar = [r for r in rows if r["subject"] == RES + "mazar-i-sharif-1998-killings"]
    assert len(mazar) == 1
    row = mazar[0]
    assert (row["kind"], row["relation"], row["object"]) == ("quantity", "victim", RES + "iranian-diplomats")
    sides = {row["documentA"]: row["claimA"], row["documentB"]: row["claimB"]}
    assert sides == {YOUSAFZAI: "8 diplomats", NABIL: "10 diplomats"}
    nabil_side = row["alsoA"] if row["documentA"] == NABIL else row["alsoB"]
    assert "journalist" in nabil_side  # ten diplomats AND a journalist
    assert "eight Iranian diplomats" in row["quoteA"] + row["quoteB"]
    assert "ten Iranian diplomats" in row["quoteA"] + row["quoteB"]
    assert all(r["documentA"] != r["documentB"] for r in rows)


def test_corroborated_claims_both_documents_on_1998(kg: KnowledgeGraph) -> None:
    rows = {(r["subjectLabel"], r["relation"], r["objectLabel"]): r for r in run(kg, "corroborated_claims")}
    hostile = rows[("Iran", "hostile to", "Taliban")]
    assert "1998" in hostile["timesA"].split(", ") and "1998" in hostile["timesB"].split(", ")
    assert ("1998 killing of Iranian diplomats in Mazar-i-Sharif", "location", "Mazar-i-Sharif") in rows


def test_single_source_claims_unsc_and_unnamed_authorities(kg: KnowledgeGraph) -> None:
    rows = run(kg, "single_source_claims")
    claimants = {r["claimant"] for r in rows}
    assert {RES + "un-security-council", RES + "unnamed-authorities"} <= claimants
    unsc = [r for r in rows if r["claimant"] == RES + "un-security-council"]
    assert any(r["subjectLabel"] == "Tajik network in Turkey" and r["relation"] == "supports" for r in unsc)
    # Iran-Taliban cooperation against ISKP is also stated by the author: not single-source.
    minister = [r for r in rows if r["claimant"] == RES + "iranian-intelligence-minister"]
    assert not [r for r in minister if r["relation"] == "cooperates with" and r["objectLabel"] == "Taliban"]
    assert not claimants & {RES + "tamkeen-yousafzai", RES + "rahmatullah-nabil"}


def test_attributed_claims_according_to_the_isi(kg: KnowledgeGraph) -> None:
    rows = run(kg, "attributed_claims", claimant=RES + "isi")
    assert rows and {r["claimantLabel"] for r in rows} == {"Inter-Services Intelligence"}
    assert all(r["certainty"] == "reported" and r["document"] == NABIL for r in rows)
    assert any("According to the ISI, he was killed in a US strike" in r["quote"] for r in rows)
    everyone = {r["claimant"] for r in run(kg, "attributed_claims")}
    assert RES + "un-security-council" in everyone
    assert not everyone & {RES + "tamkeen-yousafzai", RES + "rahmatullah-nabil"}


def test_author_opinions_are_the_authors_own(kg: KnowledgeGraph) -> None:
    rows = run(kg, "author_opinions")
    authors = {(r["author"], r["document"]) for r in rows}
    assert authors == {(RES + "tamkeen-yousafzai", YOUSAFZAI), (RES + "rahmatullah-nabil", NABIL)}
    assert {r["kind"] for r in rows} == {"assessed (opinion)", "forecast"}
    nabil = run(kg, "author_opinions", author=RES + "rahmatullah-nabil")
    assert any("can only be understood in terms of their respective interests" in r["quote"] for r in nabil)
    assert {r["document"] for r in nabil} == {NABIL}


def test_forecasts_include_zarifs_warning(kg: KnowledgeGraph) -> None:
    rows = run(kg, "forecasts")
    zarif = [r for r in rows if r["claimantLabel"] == "Javad Zarif"]
    assert zarif and zarif[0]["subjectLabel"] == "Taliban" and zarif[0]["objectLabel"] == "Iran"
    assert any(r["quote"].startswith("connections with the Taliban are expected to persist") for r in rows)


def test_denied_claims_iran_not_hostile_since_august_2021(kg: KnowledgeGraph) -> None:
    rows = run(kg, "denied_claims")
    hostile = {(r["subjectLabel"], r["when"], r["document"]) for r in rows if r["relation"] == "hostile to"}
    assert ("Iran", "2021-08..", YOUSAFZAI) in hostile
    omar = [r for r in rows if "Mullah Omar" in r["quote"]]
    assert omar and omar[0]["relation"] == "rapprochement with"


def test_statements_with_certainty_suspected(kg: KnowledgeGraph) -> None:
    rows = run(kg, "statements_with_certainty")  # default: suspected
    assert {r["certainty"] for r in rows} == {AG + "Suspected"}
    heroin = [r for r in rows if r["subjectLabel"] == "Quds Force" and r["relation"] == "trafficks"]
    assert heroin and heroin[0]["claimedBy"] == "Intelligence gathered at the time"
    assert "Intelligence gathered at the time suggest" in heroin[0]["quote"]
    denied = run(kg, "statements_with_certainty", certainty=AG + "Denied")
    assert {r["certainty"] for r in denied} == {AG + "Denied"} and len(denied) == len(run(kg, "denied_claims"))


def test_certainty_profile_counts_match_the_graph(kg: KnowledgeGraph) -> None:
    rows = {(r["document"], r["certainty"]): r for r in run(kg, "certainty_profile")}
    for doc in (YOUSAFZAI, NABIL):
        total = sum(int(r["statements"]) for (d, _), r in rows.items() if d == doc)
        graph = f"https://w3id.org/actorgraph/graph/doc/{doc}"
        count = kg.select(f"SELECT (COUNT(?s) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s a <{AG}Statement> }} }}")[0]["n"]
        assert total == int(count)
        # The authors' opinions are attributed to them, every one.
        assessed = rows[(doc, "assessed (opinion)")]
        assert assessed["statements"] == assessed["attributedStatements"]
        assert rows[(doc, "stated")]["attributedStatements"] == "0"


def test_statement_evidence_offsets_point_at_the_quote(kg: KnowledgeGraph) -> None:
    rows = run(kg, "statement_evidence")  # default: Iran backed the Northern Alliance
    assert len(rows) == 1
    row = rows[0]
    assert (row["subjectLabel"], row["relation"], row["objectLabel"], row["when"]) == (
        "Iran",
        "supports",
        "Northern Alliance",
        "2001..",
    )
    text = kg.select(f"SELECT ?t WHERE {{ <{RES}document/{YOUSAFZAI}> <{AG}text> ?t }}")[0]["t"]
    assert text[int(row["start"]) : int(row["end"])] == row["quote"]
    cited = run(kg, "statement_evidence", statement=RES + "statement/" + YOUSAFZAI + "/iran-facilitates-meeting-2022")
    assert "Pakistan Today, 24 April 2024" in cited[0]["citations"]


def test_statement_citations_footnotes_behind_claims(kg: KnowledgeGraph) -> None:
    rows = run(kg, "statement_citations")
    fn16 = [r for r in rows if r["footnote"] == YOUSAFZAI + "/fn16"]
    assert fn16 and fn16[0]["author"] == "Chris Zambelis"
    assert any(r["relation"] == "fatalities" for r in fn16)  # the 17 killed in Tehran, 2017
    fn6 = [r for r in rows if r["number"] == "6"]
    assert fn6 and fn6[0]["venue"] == "Pakistan Today" and "January 2022" in fn6[0]["quote"]
    only = run(kg, "statement_citations", document=RES + "document/" + YOUSAFZAI)
    assert {r["documentId"] for r in only} == {YOUSAFZAI}


def test_quantities_lists_the_documents_figures(kg: KnowledgeGraph) -> None:
    rows = run(kg, "quantities")
    figures = {(r["relation"], r["number"], r["document"]) for r in rows}
    assert ("length (km)", "921", YOUSAFZAI) in figures
    assert ("fatalities", "17", YOUSAFZAI) in figures and ("injuries", "50", YOUSAFZAI) in figures
    assert ("victim", "8", YOUSAFZAI) in figures and ("victim", "10", NABIL) in figures
    assert ("hosts or shelters", "2500000", YOUSAFZAI) in figures


def test_refugee_figures_first_the_diaspora_estimate(kg: KnowledgeGraph) -> None:
    rows = run(kg, "refugee_figures")
    with_figures = [r for r in rows if r["figure"]]
    assert rows[: len(with_figures)] == with_figures  # figures first
    diaspora = [r for r in with_figures if r["figure"] == "2500000"]
    assert diaspora and diaspora[0]["unit"] == "people (up to)" and diaspora[0]["subjectLabel"] == "Iran"
    recruits = [r for r in rows if r["subjectLabel"] == "Taliban" and r["relation"] == "recruits from"]
    assert recruits and recruits[0]["document"] == NABIL  # combatants from among Afghan immigrants in Iran


def test_document_stats_per_document(kg: KnowledgeGraph) -> None:
    rows = {r["document"]: r for r in run(kg, "document_stats")}
    assert set(rows) == {YOUSAFZAI, NABIL}
    assert rows[YOUSAFZAI]["authorLabel"] == "Tamkeen Yousafzai"
    assert rows[NABIL]["authorLabel"] == "Rahmatullah Nabil"
    assert rows[YOUSAFZAI]["footnotes"] == "21"  # the notes list has 21 entries
    for row in rows.values():
        assert int(row["statements"]) >= int(row["dated"]) > 0
        assert int(row["statements"]) >= int(row["attributed"]) > 0
        assert int(row["noClaimPassages"]) > 0


# ---------------------------------------------------------------------------- actors, persons, places


def test_factions_of_the_taliban_kabul_and_kandahar_circles(kg: KnowledgeGraph) -> None:
    rows = run(kg, "factions_of")  # default: the Taliban
    kabul = {
        (r["relation"], r["otherLabel"], r["certainty"]) for r in rows if r["part"] == RES + "taliban-kabul-circle"
    }
    assert ("rapprochement with", "United States", "stated") in kabul
    assert ("criticizes", "Kandahar circle of the Taliban", "stated") in kabul
    kandahar = [r for r in rows if r["part"] == RES + "taliban-kandahar-circle" and r["otherLabel"] == "Iran"]
    assert kandahar and kandahar[0]["relation"] == "has ties with" and kandahar[0]["certainty"] == "reported"
    assert "partOf" not in {r["relation"] for r in rows} and "part of" not in {r["relation"] for r in rows}
    iran = {r["part"] for r in run(kg, "factions_of", actor=RES + "iran")}
    assert {RES + "iran-conservatives", RES + "iran-reformists"} <= iran


def test_accusations_against_iran_with_what_the_us_claims(kg: KnowledgeGraph) -> None:
    rows = run(kg, "accusations", accused=RES + "iran")
    us = [r for r in rows if r["accuser"] == RES + "united-states" and r["relation"] == "accuses"]
    assert us and any("supporting proxy groups" in r["role"] for r in us)
    assert all("sponsors Proxy groups supported by Iran" in r["claims"] for r in us)
    islamic_state = {r["role"] for r in rows if r["accuser"] == RES + "islamic-state"}
    assert "an antagonist towards Sunni Muslims" in islamic_state  # Yousafzai on the IS narrative
    assert {r["accused"] for r in rows} == {RES + "iran"}
    doha = [r for r in run(kg, "accusations") if r["accused"] == RES + "doha-agreement"]
    assert doha and doha[0]["accuser"] == RES + "iran" and doha[0]["relation"] == "criticizes"


def test_interests_and_concerns_of_iran(kg: KnowledgeGraph) -> None:
    rows = run(kg, "interests_and_concerns")
    interests = {(r["matter"], r["role"]) for r in rows if r["kind"] == "has an interest in"}
    assert (RES + "afghanistan", "security and stability") in interests
    assert RES + "helmand-river" in {m for m, _ in interests}  # the waters of Hirmand (Nabil)
    iskp = {(r["certainty"], r["document"]) for r in rows if r["matter"] == RES + "iskp"}
    # A concern in both documents, and one the first document says has mostly diminished.
    assert ("denied", YOUSAFZAI) in iskp and ("stated", NABIL) in iskp
    concerns = {r["matter"] for r in rows if r["kind"] == "is concerned about"}
    assert {RES + "afghan-refugees", RES + "drug-trade"} <= concerns


def test_persons_and_roles_nabil_headed_the_nds(kg: KnowledgeGraph) -> None:
    rows = run(kg, "persons_and_roles")
    nabil = [r for r in rows if r["person"] == RES + "rahmatullah-nabil" and r["organisation"] == RES + "nds"]
    assert nabil and (nabil[0]["position"], nabil[0]["role"], nabil[0]["when"]) == ("leader of", "Head", "2010..2015")
    zarif = {r["role"] for r in rows if r["person"] == RES + "javad-zarif"}
    assert "Foreign Minister (former)" in zarif
    omar = {r["organisation"] for r in rows if r["person"] == RES + "mullah-omar"}
    assert RES + "taliban" in omar
    persons = {r["person"] for r in rows}
    assert RES + "tamkeen-yousafzai" in persons  # listed even without a position statement


def test_actor_in_documents_iran_in_text_order(kg: KnowledgeGraph) -> None:
    rows = run(kg, "actor_in_documents")
    assert {r["document"] for r in rows} == {YOUSAFZAI, NABIL}
    for doc in (YOUSAFZAI, NABIL):
        offsets = [int(r["offset"]) for r in rows if r["document"] == doc]
        assert offsets == sorted(offsets)
    assert any(r["otherLabel"] == "Northern Alliance" and r["document"] == YOUSAFZAI for r in rows)
    assert any("brothers in Islam" in r["quote"] and r["document"] == NABIL for r in rows)


def test_most_connected_actors_iran_first(kg: KnowledgeGraph) -> None:
    rows = run(kg, "most_connected_actors")
    assert rows[0]["actor"] == RES + "iran"
    assert RES + "taliban" in {r["actor"] for r in rows[:3]}
    counts = [int(r["statements"]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert RES + "mazar-i-sharif" not in {r["actor"] for r in rows}  # a place, not an actor


def test_actor_locations_taliban_headquarters_in_iran(kg: KnowledgeGraph) -> None:
    rows = run(kg, "actor_locations", actor=RES + "taliban")
    based = {(r["relation"], r["place"], r["when"]) for r in rows}
    assert ("based in or present in", RES + "zahedan", "2001..") in based
    assert ("based in or present in", RES + "mashhad", "2001..") in based
    assert {r["actor"] for r in rows} == {RES + "taliban"}


def test_event_participants_january_2022_meeting(kg: KnowledgeGraph) -> None:
    rows = run(kg, "event_participants", event=RES + "taliban-opposition-meeting-2022")
    assert len(rows) == 1
    meeting = rows[0]
    assert set(meeting["participants"].split("; ")) == {"Taliban", "Afghan opposition leaders"}
    assert meeting["backers"] == "Iran (facilitates)" and meeting["date"] == "2022-01"
    everything = {r["event"] for r in run(kg, "event_participants")}
    assert RES + "doha-agreement" in everything
    attacks = {r["event"] for r in run(kg, "attacks")}
    assert attacks and not everything & attacks  # attacks are in the attacks query


def test_entity_search_finds_aliases_case_insensitively(kg: KnowledgeGraph) -> None:
    assert {r["entity"] for r in run(kg, "entity_search", text="isis-k")} == {RES + "iskp"}
    fatimid = run(kg, "entity_search", text="FATIMID")
    assert {r["entity"] for r in fatimid} == {RES + "fatemiyoun-division"}
    assert {r["matched"] for r in fatimid} >= {"Fatimid Brigade"}
    assert RES + "helmand-river" in {r["entity"] for r in run(kg, "entity_search", text="hirmand")}
    mazar = {r["entity"]: r for r in run(kg, "entity_search")}  # default: "mazar"
    assert "Mazar-e Sharif" in {r["matched"] for r in run(kg, "entity_search") if r["entity"] == RES + "mazar-i-sharif"}
    assert mazar[RES + "mazar-i-sharif"]["types"] == "city"


def test_named_queries_catalogue_documents_every_query() -> None:
    catalogue = (Path(__file__).parent.parent / "docs" / "queries.md").read_text(encoding="utf-8")
    for name in ANALYST_QUERIES:
        assert f"### `{name}` - {load_all()[name].title}" in catalogue, name
        assert f"actorgraph query --name {name}" in catalogue, name


SYNTHETIC = """
@prefix ag: <https://w3id.org/actorgraph/ontology#> .
@prefix res: <https://w3id.org/actorgraph/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ag:hostileTo a owl:SymmetricProperty ; rdfs:label "hostile to" .
ag:fatalities rdfs:label "fatalities" .
ag:occurredOn rdfs:label "occurred on" .
ag:Stated rdfs:label "stated" .
ag:Denied rdfs:label "denied" .
res:x rdfs:label "X" . res:y rdfs:label "Y" . res:ev rdfs:label "Event" .
"""


def _synthetic_statement(local: str, doc: str, subject: str, relation: str, obj: str, extra: str = "") -> str:
    """One statement node in Turtle, with the evidence path the queries read."""
    node = f"<{RES}statement/{doc}/{local}>"
    return (
        f"{node} a ag:Statement ; ag:subject {subject} ; ag:relation ag:{relation} ; ag:object {obj} ; "
        f"ag:certainty ag:Stated ; ag:statementOf <{RES}document/{doc}> {extra} ; "
        f'prov:wasDerivedFrom [ oa:hasTarget [ oa:hasSelector [ oa:exact "{local} in {doc}" ] ] ] .\n'
    )


def test_contested_facts_finds_each_kind_of_disagreement_on_a_small_graph() -> None:
    # The real graph has only the quantity kind today; the other kinds are checked on a handmade graph.
    kg = KnowledgeGraph(Settings(store_path=":memory:"))
    data = SYNTHETIC + "".join(
        [
            _synthetic_statement("f11", "a", "res:ev", "fatalities", "11"),
            _synthetic_statement("f12", "b", "res:ev", "fatalities", "12"),
            _synthetic_statement("d98", "a", "res:ev", "occurredOn", '"1998"^^xsd:gYear'),
            _synthetic_statement("d99", "b", "res:ev", "occurredOn", '"1999"^^xsd:gYear'),
            _synthetic_statement("d98m", "b", "res:ev", "occurredOn", '"1998-05"^^xsd:gYearMonth'),
            _synthetic_statement("h2000", "a", "res:x", "hostileTo", "res:y", '; ag:pointInTime "2000"^^xsd:gYear'),
            # Denied the other way round (symmetric), over 1999-2001: contradicts h2000.
            _synthetic_statement(
                "nh",
                "b",
                "res:y",
                "hostileTo",
                "res:x",
                '; ag:startTime "1999"^^xsd:gYear ; ag:endTime "2001"^^xsd:gYear',
            ).replace("ag:certainty ag:Stated", "ag:certainty ag:Denied"),
            # Denied for 2010 only: no conflict with 2000.
            _synthetic_statement(
                "nh10", "b", "res:x", "hostileTo", "res:y", '; ag:pointInTime "2010"^^xsd:gYear'
            ).replace("ag:certainty ag:Stated", "ag:certainty ag:Denied"),
        ]
    )
    kg.store.load(data, "turtle", graph="https://w3id.org/actorgraph/graph/test")
    rows = run(kg, "contested_facts")
    found = {
        (r["kind"], r["claimA"], r["claimB"], r["statementA"].rsplit("/", 1)[-1], r["statementB"].rsplit("/", 1)[-1])
        for r in rows
    }
    assert found == {
        ("value", "11", "12", "f11", "f12"),
        ("date", "1998", "1999", "d98", "d99"),
        ("denial", "stated", "denied", "h2000", "nh"),
    }


def test_adversaries_at_year_interval_rules_on_a_small_graph() -> None:
    kg = KnowledgeGraph(Settings(store_path=":memory:"))
    times = {
        "day": '; ag:pointInTime "2017-06-07"^^xsd:date',
        "from-month": '; ag:startTime "2021-08"^^xsd:gYearMonth',
        "until": '; ag:endTime "1995"^^xsd:gYear',
        "span": '; ag:startTime "2000"^^xsd:gYear ; ag:endTime "2002"^^xsd:gYear',
        "undated": "",
    }
    data = SYNTHETIC + "".join(
        _synthetic_statement(local, "a", "res:x", "hostileTo", "res:y", extra) for local, extra in times.items()
    )
    data += _synthetic_statement("denied", "a", "res:y", "hostileTo", "res:x", times["day"]).replace(
        "ag:certainty ag:Stated", "ag:certainty ag:Denied"
    )
    kg.store.load(data, "turtle", graph="https://w3id.org/actorgraph/graph/test")

    def holding(year: int) -> set[str]:
        rows = run(kg, "adversaries_at_year", actor=RES + "y", year=str(year))
        return {r["statement"].rsplit("/", 1)[-1] for r in rows}

    assert holding(2017) == {"day"}
    assert holding(2016) == set()
    assert holding(2021) == holding(2040) == {"from-month"}
    assert holding(2020) == set()
    assert holding(1995) == holding(1900) == {"until"}
    assert holding(2000) == holding(2002) == {"span"}
    assert holding(2003) == set()
