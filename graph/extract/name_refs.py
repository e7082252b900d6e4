"""What the words of a parsed text refer to: a ``Ref`` per token, and the ``Names`` a resolver reports.

``kind_of`` maps an entity's classes to the coarse kind (state, organ, group, person, place,
event) that a ``Ref`` carries and coreference and the benchmark compare at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from actorgraph.graph.extract.base import EntityCandidate, Mention

# Coarse kinds, the level the benchmark and coreference compare at.
KIND_OF_CLASS: dict[str, str] = {
    **dict.fromkeys(("State",), "state"),
    **dict.fromkeys(
        (
            "StateOrgan", "Government", "Ministry", "ArmedForce", "IntelligenceService", "DiplomaticMission",
            "Legislature",
        ),
        "organ",
    ),
    **dict.fromkeys(
        (
            "NonStateActor", "ArmedGroup", "InsurgentGroup", "Militia", "PoliticalMovement", "Faction", "Network",
            "ProxyActor", "Coalition", "Organization", "IntergovernmentalOrganization", "MediaOutlet", "Group",
            "Community", "EthnicGroup", "ReligiousGroup",
        ),
        "group",
    ),
    "Person": "person",
    **dict.fromkeys(
        ("Place", "Country", "Province", "District", "City", "Region", "River", "Border", "Infrastructure",
         "MilitaryBase"),
        "place",
    ),
    **dict.fromkeys(
        (
            "Event", "Attack", "Bombing", "Assassination", "MassKilling", "Agreement", "Meeting", "Visit",
            "Negotiation", "Withdrawal", "PrisonerExchange", "Declaration", "Invasion", "Conflict", "Appointment",
            "Election", "Protest", "Relocation",
        ),
        "event",
    ),
}  # fmt: skip
ACTOR_KINDS = frozenset({"state", "organ", "group", "person"})


def kind_of(types: tuple[str, ...] | list[str]) -> str:
    """The coarse kind of an entity from its classes (state before organ before group, ...)."""
    kinds = {KIND_OF_CLASS.get(t, "other") for t in types}
    for kind in ("state", "organ", "person", "group", "event", "place"):
        if kind in kinds:
            return kind
    return "other"


@dataclass(frozen=True)
class Ref:
    """What a token refers to: an entity key (registry id or new:<slug>), its coarse kind and how it was found."""

    key: str
    kind: str
    how: str = "name"  # name | demonym | capital | agent | acronym | coref
    also: tuple[str, ...] = ()  # "they" for "the Taliban and the Haqqani Network": the other conjuncts' keys

    @property
    def is_actor(self) -> bool:
        return self.kind in ACTOR_KINDS


@dataclass
class NewName:
    """A name the registry lacks, as first seen, with its suggested class, aliases and how often it recurs."""

    name: str
    kind_class: str
    start: int
    end: int
    confidence: float
    aliases: list[str] = field(default_factory=list)
    count: int = 0


@dataclass(frozen=True)
class Described:
    """An entity the text describes by the state it belongs to ("Iran's intelligence minister", "Iranian lawmakers",
    "the Moroccan foreign ministry"): the description's head noun and the word naming the state."""

    key: str  # registry id or new:<slug>
    kind: str
    head: int  # token index of the head noun
    owner: Ref  # the state
    owner_token: int


@dataclass
class Names:
    """The result: token index -> Ref, plus the mentions and new-entity candidates to report."""

    refs: dict[int, Ref] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    new: dict[str, NewName] = field(default_factory=dict)
    # start offset -> the registry names inside a longer one that start there ("US" and "US and their allies")
    nested: dict[int, list[Ref]] = field(default_factory=dict)
    described: list[Described] = field(default_factory=list)  # descriptions that belong to a state

    def ref(self, token: Token) -> Ref | None:
        return self.refs.get(token.i)

    def nested_at(self, offset: int) -> Ref | None:
        """The first registry name found inside a longer name at this offset."""
        found = self.nested.get(offset)
        return found[0] if found else None

    def candidates(self) -> list[EntityCandidate]:
        return sorted(
            (
                EntityCandidate(
                    n.name, n.kind_class, n.start, n.end, max(n.count, 1), n.confidence, key, tuple(n.aliases)
                )
                for key, n in self.new.items()
            ),
            key=lambda c: (-c.count, c.start),
        )
