"""The signed actor network through time, on the shipped documents: what they say about alliances."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
from click.testing import CliRunner

from actorgraph.graph.alliances.network import SignedNetwork, local
from actorgraph.graph.alliances.render import network_graphml, network_svg
from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli import cli
from actorgraph.server import create_app

RES = "https://w3id.org/actorgraph/resource/"
IRAN, TALIBAN, ISKP, US = RES + "iran", RES + "taliban", RES + "iskp", RES + "united-states"
STATEMENT = RES + "statement/"


def statements(net: SignedNetwork, a: str, b: str) -> set[str]:
    tie = net.tie(a, b)
    assert tie is not None, f"no tie between {local(a)} and {local(b)} in {net.start}-{net.end}"
    return {e.statement.removeprefix(STATEMENT) for e in tie.evidence}


def triad(net: SignedNetwork, *members: str) -> tuple[str, bool]:
    found = [t for t in net.triads() if set(members) <= set(t.members)]
    assert len(found) == 1, [t.members for t in found]
    return found[0].signs, found[0].balanced


def test_network_iskp_is_a_common_enemy_of_iran_and_the_taliban_in_the_2020s(kg: KnowledgeGraph) -> None:
    net = kg.network(2020, 2029)
    enemies = dict(net.common_enemies(IRAN, TALIBAN))
    assert ISKP in enemies
    assert net.sign(IRAN, ISKP) == -1 and net.sign(TALIBAN, ISKP) == -1
    # Yousafzai: ISKP "a longstanding adversary of Tehran", "a direct threat to the struggling Taliban regime".
    assert "yousafzai-2024/iskp-longstanding-adversary-of-iran" in statements(net, IRAN, ISKP)
    # ...and the strongest: the whole "ISKP: A Common Enemy" section rests on it.
    assert max(enemies, key=lambda c: enemies[c]) == ISKP


def test_network_iran_taliban_tie_changed_sign_between_1998_and_the_2020s(kg: KnowledgeGraph) -> None:
    in_1998, in_2020s = kg.network(1998), kg.network(2020, 2029)
    assert in_1998.sign(IRAN, TALIBAN) == -1
    assert {"yousafzai-2024/iran-taliban-hostile-1998", "nabil-commentary/iran-taliban-tensions-1998"} <= statements(
        in_1998, IRAN, TALIBAN
    )
    assert in_2020s.sign(IRAN, TALIBAN) == 1
    assert "yousafzai-2024/iran-taliban-counter-terrorism" in statements(in_2020s, IRAN, TALIBAN)
    # Denied statements never count: "Iran has not taken the same hostile approach" since 2021.
    assert "yousafzai-2024/iran-taliban-not-hostile-since-2021" not in statements(in_2020s, IRAN, TALIBAN)


def test_network_dyad_timeline_iran_taliban_hostile_in_the_1990s_then_positive(kg: KnowledgeGraph) -> None:
    points = {p["year"]: p for p in kg.timeline(IRAN, TALIBAN)}
    assert list(points) == sorted(points)
    assert points[1998]["sign"] == -1 and points[1998]["negative"] > 0
    assert all(points[y]["sign"] == -1 for y in points if y < 2000)
    assert points[2021]["sign"] == 1 and points[2024]["sign"] == 1


def test_network_iran_taliban_us_triad_balanced_in_2021(kg: KnowledgeGraph) -> None:
    # Nabil: "a three-sided alliance against the US"; Iran and the Taliban allied, both hostile to the US.
    net = kg.network(2021)
    assert triad(net, IRAN, TALIBAN, US) == ("+--", True)
    assert "nabil-commentary/iran-hostile-us-three-way" in statements(net, IRAN, US)
    assert "nabil-commentary/taliban-hostile-us-three-way" in statements(net, TALIBAN, US)


def test_network_iran_taliban_iskp_triad_balanced_in_2021_and_2024(kg: KnowledgeGraph) -> None:
    for year in (2021, 2024):
        assert triad(kg.network(year), IRAN, TALIBAN, ISKP) == ("+--", True), year


def test_network_three_way_hostility_iran_us_iskp_is_unbalanced_in_2021(kg: KnowledgeGraph) -> None:
    # "the three-way hostilities between Iran/Taliban, the US and ISIS-K": all three ties negative.
    assert triad(kg.network(2021), IRAN, US, ISKP) == ("---", False)


def test_network_iran_backing_the_us_and_hosting_the_taliban_in_2001_is_unbalanced(kg: KnowledgeGraph) -> None:
    net = kg.network(2001)
    assert triad(net, IRAN, TALIBAN, RES + "us-military") == ("++-", False)
    assert "yousafzai-2024/iran-backs-us-military-2001" in statements(net, IRAN, RES + "us-military")


def test_network_predictions_explain_each_path_and_rank_by_score(kg: KnowledgeGraph) -> None:
    net = kg.network(2020, 2029)
    predictions = net.predictions()
    assert predictions and [h.score for h in predictions] == sorted((h.score for h in predictions), reverse=True)
    for hyp in predictions:
        for c in hyp.via:
            signs = (net.sign(hyp.a, c), net.sign(c, hyp.b))
            if hyp.pattern == "enemy-of-my-enemy":
                assert signs == (-1, -1) and net.sign(hyp.a, hyp.b) <= 0
            else:
                assert sorted(signs) == [-1, 1] and net.sign(hyp.a, hyp.b) >= 0
    # Balance predicts Iran and the US should align against ISKP; the documents say they stay hostile.
    iran_us = next(h for h in predictions if (h.a, h.b) == (IRAN, US) and h.pattern == "enemy-of-my-enemy")
    assert ISKP in iran_us.via and iran_us.existing == -1
    assert "iran (-) iskp (-) united-states" in iran_us.paths()


def test_network_proxy_chains_reach_from_the_irgc_through_the_quds_force(kg: KnowledgeGraph) -> None:
    chains = {(tuple(local(n) for n in c.nodes), local(c.relation)) for c in kg.alliances().proxy_chains()}
    assert (("irgc", "quds-force", "fatemiyoun-division"), "funds") in chains
    assert (("irgc", "quds-force", "taliban"), "arms") in chains
    assert (("iran", "fatemiyoun-division"), "directs") in chains


def test_network_svg_draws_allies_enemies_sponsorship_and_a_legend(kg: KnowledgeGraph) -> None:
    svg = network_svg(kg.network(2021))
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    classes = {line.get("class") for line in root.iter("{http://www.w3.org/2000/svg}line")}
    assert {"ally", "enemy", "sponsorship"} <= classes
    assert "Legend" in svg and ">Iran<" in svg and ">Taliban<" in svg


def test_network_graphml_keeps_signs_weights_and_statements(kg: KnowledgeGraph) -> None:
    graph = nx.parse_graphml(network_graphml(kg.network(1998)).decode("utf-8"))
    edge = graph.edges[IRAN, TALIBAN]
    assert edge["sign"] == -1 and edge["weight"] < 0
    assert "yousafzai-2024/iran-taliban-hostile-1998" in edge["statements"]
    assert graph.nodes[IRAN]["kind"] == "State"


def test_network_svg_is_served_for_a_year_and_a_missing_year_is_a_400(kg: KnowledgeGraph) -> None:
    client = create_app(kg=kg).test_client()
    answer = client.get("/network.svg?year=2021")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert b">Islamic State Khorasan Province<" in answer.data
    missing = client.get("/network.svg")
    assert missing.status_code == 400 and missing.mimetype == "text/plain"
    assert b"year" in missing.data
    assert client.get("/network.svg?year=2021&to=1990").status_code == 400


def test_network_cli_balance_and_predict_on_the_shipped_sources() -> None:
    runner = CliRunner()
    balance = runner.invoke(cli, ["balance", "--store", ":memory:", "--year", "2021", "--unbalanced"])
    assert balance.exit_code == 0, balance.output
    assert "---  UNBALANCED  Iran, Islamic State Khorasan Province, United States" in balance.output
    predict = runner.invoke(cli, ["predict", "--store", ":memory:", "--year", "2020", "--to", "2029", "--limit", "50"])
    assert predict.exit_code == 0, predict.output
    assert "iran (-) iskp (-) united-states" in predict.output
