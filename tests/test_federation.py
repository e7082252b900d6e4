"""The SERVICE/LOAD policy: parsed, prefixes resolved, escapes decoded, refused unless allowlisted."""

from __future__ import annotations

import pytest

from actorgraph.graph.errors import ServiceNotAllowed
from actorgraph.server.protocol.federation import FederationPolicy, remote_iris

ALLOWED = "http://127.0.0.1:1234/sparql"


def test_remote_iris_resolves_prefixes_and_variables() -> None:
    query = (
        "BASE <http://b.org/> PREFIX ex: <http://ex.org/> SELECT * WHERE { SERVICE ex:sparql { ?a ?b ?c } "
        "OPTIONAL { SERVICE SILENT <http://b.org/rel> { ?a ?b ?c } } SERVICE ?endpoint { ?a ?b ?c } }"
    )
    assert sorted(remote_iris(query), key=str) == sorted(
        [("SERVICE", "http://ex.org/sparql"), ("SERVICE", "http://b.org/rel"), ("SERVICE", None)], key=str
    )


def test_relative_service_iris_are_refused_not_resolved() -> None:
    # The engine resolves a relative endpoint with its own rules (BASE, or the endpoint URL): never guess.
    with pytest.raises(ServiceNotAllowed, match="relative IRI"):
        remote_iris("BASE <http://b.org/> SELECT * WHERE { SERVICE <rel> { ?a ?b ?c } }")
    with pytest.raises(ServiceNotAllowed, match="relative IRI"):
        remote_iris("BASE <http://b.org/> PREFIX c: <x/> SELECT * WHERE { SERVICE c:sparql { ?a ?b ?c } }")


@pytest.mark.parametrize(
    "query",
    [
        # The bypass found by the probe: the check read the first declaration, the engine the last.
        f"PREFIX c: <{ALLOWED.rsplit('/', 1)[0]}/> PREFIX c: <http://127.0.0.1:9/> "
        "SELECT * { SERVICE c:sparql { ?s ?p ?o } }",
        f"BASE <{ALLOWED}> BASE <http://127.0.0.1:9/sparql> SELECT * {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}",
        f"BASE <{ALLOWED}> BASE <http://127.0.0.1:9/sparql> SELECT * {{ SERVICE <> {{ ?s ?p ?o }} }}",
    ],
)
def test_redeclared_prefix_or_base_with_service_is_refused(query: str) -> None:
    policy = FederationPolicy.from_settings(True, ALLOWED)
    with pytest.raises(ServiceNotAllowed, match=r"declared twice|more than once|relative"):
        policy.check_query(query)


def test_redeclaring_a_prefix_to_the_same_iri_is_harmless() -> None:
    policy = FederationPolicy.from_settings(True, ALLOWED)
    policy.check_query(f"PREFIX c: <{ALLOWED}> PREFIX c: <{ALLOWED}> SELECT * {{ SERVICE c: {{ ?s ?p ?o }} }}")


def test_service_in_strings_and_comments_is_not_a_call() -> None:
    FederationPolicy().check_query('SELECT * WHERE { ?s ?p "SERVICE <http://x/>" } # SERVICE <http://y/>')


def test_policy_off_refuses_any_service_even_escaped() -> None:
    with pytest.raises(ServiceNotAllowed, match="federation is off"):
        FederationPolicy().check_query(f"SELECT * {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}")
    with pytest.raises(ServiceNotAllowed):
        FederationPolicy().check_query("SELECT * { \\u0053ERVICE <http://evil.example/> { ?s ?p ?o } }")


def test_policy_on_allows_only_the_allowlist() -> None:
    policy = FederationPolicy.from_settings(True, ALLOWED)
    policy.check_query(f"SELECT * {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}")
    with pytest.raises(ServiceNotAllowed, match="not in the allowlist"):
        policy.check_query("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(ServiceNotAllowed, match="variable endpoint"):
        policy.check_query("SELECT * { SERVICE ?e { ?s ?p ?o } }")


def test_update_load_and_service_are_checked() -> None:
    policy = FederationPolicy.from_settings(True, ALLOWED)
    with pytest.raises(ServiceNotAllowed, match="LOAD"):
        policy.check_update("LOAD <http://127.0.0.1:9/data.ttl>")
    with pytest.raises(ServiceNotAllowed):
        policy.check_update("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }")
