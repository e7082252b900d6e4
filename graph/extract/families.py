"""Relation families: groups of ontology predicates the extractor and the benchmark compare by.

The curated statements use fine predicates (sponsors, rivalOf, …) and sometimes reify an
event (an attack with a perpetrator and a victim); a family is the level at which a rule
cue can honestly be said to be right or wrong.
"""

from __future__ import annotations

FAMILIES: dict[str, tuple[str, ...]] = {
    "support": ("supports", "sponsors", "facilitates", "trains", "directs"),
    "funding": ("funds",),
    "arming": ("arms",),
    "hosting": ("hosts",),
    "cooperation": ("cooperatesWith", "alliedWith", "rapprochementWith"),
    "hostility": ("hostileTo", "rivalOf", "opposes", "threatens"),
    "attacks": ("attacks", "targets", "persecutes"),
    "killings": ("kills",),
    "meetings": ("meetsWith", "engagesWith"),
    "negotiations": ("negotiatesWith",),
    "membership": ("memberOf", "affiliateOf", "branchOf", "partOf", "officialOf"),
    "leadership": ("leaderOf",),
}
SYMMETRIC = frozenset({"cooperation", "hostility", "meetings", "negotiations"})
PREDICATE_FAMILY = {p: family for family, predicates in FAMILIES.items() for p in predicates}

# Event classes whose perpetrator/target (or participants) stand for a relation between actors.
EVENT_FAMILIES: dict[str, str] = {
    "Attack": "attacks",
    "Bombing": "attacks",
    "Assassination": "killings",
    "MassKilling": "killings",
    "Meeting": "meetings",
    "Visit": "meetings",
    "Negotiation": "negotiations",
}


def family_of(predicate: str) -> str | None:
    """The family of a predicate, or None when no rule family covers it."""
    return PREDICATE_FAMILY.get(predicate)
