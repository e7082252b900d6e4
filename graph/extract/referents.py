"""Who the words of a parsed text refer to: registry entities, new names, states by demonym or capital, anaphors.

``resolve_names`` walks a spaCy parse once and gives every token that names an actor, place
or event a ``Ref``: a registry id (through the registry's gazetteer: labels, aliases,
metonyms, spelling variants) or a ``new:<slug>`` key for a name the registry lacks (from
NER and proper-noun runs, split on coordination, typed from the head noun, the NER label
and titles). Demonyms and capitals reach their state where the state acts ("Pakistani
forces", "Beijing convened"); an acronym in brackets becomes an alias of the name before
it; "it", "they", "the group" and relative pronouns point at the nearest compatible actor.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.extract.base import EntityCandidate, Mention
from actorgraph.graph.extract.lexicon import Lexicon
from actorgraph.graph.extract.mentions import Gazetteer
from actorgraph.graph.model import Entity

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
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
PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person"}
NEUTER = {"it": "singular", "its": "singular", "they": "plural", "them": "plural", "their": "plural"}
RELATIVE = frozenset({"which", "who", "whom", "whose", "that"})
PARTICLES = frozenset({"i", "e", "al", "ul", "el", "ur", "ud", "bin", "ibn", "-"})
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "across", "into", "inside"})
COREF_WINDOW = 3
FOOTNOTE_MARKS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")
LEADING_WORDS = frozenset(
    {"the", "mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr."}
)  # sentences back an anaphor may reach
ACRONYM = re.compile(r"[A-Z][A-Za-z]*[A-Z]+[a-z]?")


def kind_of(types: tuple[str, ...] | list[str]) -> str:
    """The coarse kind of an entity from its classes (state before organ before group, ...)."""
    kinds = {KIND_OF_CLASS.get(t, "other") for t in types}
    for kind in ("state", "organ", "person", "group", "event", "place"):
        if kind in kinds:
            return kind
    return "other"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


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
class _New:
    name: str
    kind_class: str
    start: int
    end: int
    confidence: float
    aliases: list[str] = field(default_factory=list)
    count: int = 0


@dataclass
class Names:
    """The result: token index -> Ref, plus the mentions and new-entity candidates to report."""

    refs: dict[int, Ref] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    new: dict[str, _New] = field(default_factory=dict)
    nested: dict[int, Ref] = field(default_factory=dict)  # start offset -> a registry name inside a longer one

    def ref(self, token: Token) -> Ref | None:
        return self.refs.get(token.i)

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


class NameResolver:
    """Builds ``Names`` for one parsed document."""

    def __init__(self, doc: Doc, entities: dict[str, Entity], gazetteer: Gazetteer, lexicon: Lexicon) -> None:
        self.doc = doc
        self.text = doc.text
        self.entities = entities
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.names = Names()
        self._by_name: dict[str, str] = {}  # folded surface -> key, for acronyms and repeated names
        self._sentence_starts = [s.start for s in doc.sents]
        self._states: dict[str, str | None] = {}  # state name -> registry id, looked up once

    def resolve(self) -> Names:
        spans = self._name_spans()
        self._registry(spans)
        self._demonyms_and_capitals(spans)
        self._new_names(spans)
        self._repeated_single_names()
        self._state_agents()
        self._anaphors()
        return self.names

    # -- registry

    def _registry(self, names: list[Span]) -> None:
        every = self.gazetteer.find(self.text)
        # A name inside a longer registry name ("US" in "US military") is mentioned; its tokens are the longer one's.
        for m in every:
            if m.how == "nested":
                self.names.mentions.append(m)
                self.names.nested.setdefault(m.start, Ref(m.entity, kind_of(self.entities[m.entity].types), "nested"))
        found = [
            (m, span)
            for m in every
            if m.how != "nested" and (span := self.doc.char_span(m.start, m.end, alignment_mode="expand")) is not None
        ]
        covered = {t.i for _m, span in found for t in span}
        for m, span in found:
            if self._inside_longer_name(span, names, covered):
                self.names.mentions.append(m)  # named in the text, though the name here is another's
                continue
            kind = kind_of(self.entities[m.entity].types)
            if self._is_capital_acting(span, m.entity):
                state = self._registry_state(self.lexicon.capitals[span.text.lower()])
                if state is not None:
                    self._mark(span, Ref(state, "state", "capital"))
                    self.names.mentions.append(Mention(state, m.start, m.end, m.surface, 0.8, "capital"))
                    continue
            self._mark(span, Ref(m.entity, kind))
            self.names.mentions.append(m)
            self._by_name[span.text.lower()] = m.entity

    def _inside_longer_name(self, span: Span, names: list[Span], covered: set[int]) -> bool:
        """'Taliban' in 'Tehrik-i-Taliban Pakistan', 'Iraq' in 'Islamic Resistance in Iraq': part of a longer name
        with a capitalised word no registry name explains ('US-Taliban deal' is two registry names, not a third)."""
        for name in names:
            if name.start <= span.start and span.end <= name.end and len(name) > len(span):
                extra = [t for t in name if (t.i < span.start or t.i >= span.end) and t.i not in covered]
                return any(
                    t.text[:1].isupper()
                    and t.lower_ not in self.lexicon.titles
                    and t.lower_ not in self.lexicon.demonyms
                    and t.lower_ != "the"
                    for t in extra
                )
        return False

    def _is_capital_acting(self, span: Span, entity_id: str) -> bool:
        """A capital city's name standing for its state: the subject or possessor of what the state does."""
        if span.text.lower() not in self.lexicon.capitals or kind_of(self.entities[entity_id].types) == "state":
            return False
        return capital_acts(span.root)

    def _registry_state(self, state_name: str) -> str | None:
        if state_name not in self._states:
            self._states[state_name] = next(
                (
                    m.entity
                    for m in self.gazetteer.find(state_name)
                    if m.start == 0 and m.end == len(state_name) and kind_of(self.entities[m.entity].types) == "state"
                ),
                None,
            )
        return self._states[state_name]

    # -- demonyms and capitals the registry lacks

    def _demonyms_and_capitals(self, spans: list[Span]) -> None:
        in_longer_name = {t.i for span in spans if len(span) > 1 for t in span if _is_name_span(span, self.lexicon)}
        for token in self.doc:
            if token.i in self.names.refs or token.i in in_longer_name:
                continue  # "Syrian" in "Syrian National Army" is part of that name
            word = token.text.lower()
            state_name = self.lexicon.demonyms.get(word)
            how = "demonym"
            capital = word in self.lexicon.capitals and token.text[:1].isupper()
            if state_name is None and capital and capital_acts(token):
                state_name, how = self.lexicon.capitals[word], "capital"
            if state_name is None or (how == "demonym" and not token.text[:1].isupper()):
                continue
            if how == "demonym" and token.tag_ in ("NNS", "NNPS") and not acting(token):
                continue  # "deported 500,000 Afghans": people, not the state
            key = self._registry_state(state_name) or self._new_key(state_name, "State", token, 0.6)
            self.names.refs[token.i] = Ref(key, "state", how)
            if not key.startswith("new:"):
                end = token.idx + len(token.text)
                self.names.mentions.append(Mention(key, token.idx, end, token.text, 0.8, how))
            elif token.text not in self.names.new[key].aliases and token.text != state_name:
                self.names.new[key].aliases.append(token.text)

    # -- names the registry lacks

    def _new_names(self, spans: list[Span]) -> None:
        for span in spans:
            for part in split_coordination(span):
                part = trim(part, self.lexicon)
                if len(part) == 0 or any(t.i in self.names.refs for t in part):
                    continue
                self._new_name(part)

    def _name_spans(self) -> list[Span]:
        """NER names, widened to the proper-noun compound they head ("Tehrik-i-Taliban Pakistan"), plus such
        compounds NER missed; cut at a possessive ("Iran's IRGC" is two names)."""
        units = [u for u in (self._compound_unit(t) for t in self.doc) if u is not None]
        spans: list[tuple[int, int]] = []
        for ent in self.doc.ents:
            if ent.label_ not in NAME_LABELS:
                continue
            start, end = ent.start, ent.end
            for u in units:
                if u.start < end and start < u.end:
                    start, end = min(start, u.start), max(end, u.end)
            spans.append((start, end))
        covered = {i for s, e in spans for i in range(s, e)}
        spans += [(u.start, u.end) for u in units if not any(i in covered for i in range(u.start, u.end))]
        result: list[Span] = []
        for start, end in sorted({(s, self._extend_right(e)) for s, e in spans}):
            if result and start < result[-1].end:
                continue  # already inside the name before, widened
            result.extend(_cut_at_possessives(self.doc[start:end]))
        return result

    def _extend_right(self, end: int) -> int:
        """Over the rest of a transliterated name NER cut short: "Jama'at Nusrat al-Islam wal-Muslimin"."""
        doc = self.doc
        while end < len(doc):
            t = doc[end]
            hyphen = t.text in ("-", "–") and doc[end - 1].whitespace_ == "" and t.whitespace_ == ""
            particle = t.lower_ in PARTICLES | {"wal", "wa"} and end + 1 < len(doc) and doc[end + 1].text in ("-", "–")
            name_part = t.pos_ == "PROPN" and t.text[:1].isupper() and t.ent_iob_ != "B" and t.is_alpha
            if not (hyphen or particle or (name_part and doc[end - 1].text in ("-", "–"))):
                break
            end += 1
        return end

    def _compound_unit(self, head: Token) -> Span | None:
        """A proper noun with the proper nouns, hyphens and particles compounded to its left, stopping at titles."""
        if head.pos_ != "PROPN" or head.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"):
            return None
        if head.dep_ in ("compound", "flat", "nmod") and head.head.pos_ == "PROPN" and head.head.i > head.i:
            return None  # not the head of its compound
        left = head.i
        j = head.i - 1
        while j >= 0:
            t = self.doc[j]
            hyphen_left = j > 0 and self.doc[j - 1].text in ("-", "–")
            joined = t.text in ("-", "–") or self.doc[j + 1].text in ("-", "–") or t.whitespace_ == "" or hyphen_left
            if hyphen_left and j > 1 and self.doc[j - 2].is_lower and t.text[:1].isupper():
                break  # "anti-Taliban Northern Alliance": the prefixed name is not part of the next one
            name_part = t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in self.lexicon.titles
            particle = t.lower_ in PARTICLES and joined
            if not (name_part or particle or (t.text in ("-", "–") and t.whitespace_ == "")):
                break
            if t.dep_ not in ("compound", "flat", "nmod", "punct", "amod") and not particle:
                break
            left = j
            j -= 1
        while left < head.i and not self.doc[left].text[:1].isupper():
            left += 1
        unit = self.doc[left : head.i + 1]
        if len(unit) == 1 and not (_standalone(head) and not head.ent_type_):
            return None
        return unit if head.text[:1].isupper() else None

    def _new_name(self, span: Span) -> None:
        name = span.text
        folded = name.lower()
        capitalised = any(w[:1].isupper() for w in re.split(r"[\s-]", name))  # "al-Shabaab" is a name
        if folded in self.lexicon.demonyms or len(name) < 2 or not capitalised:
            return
        known = next((f for f in (folded, folded.removesuffix("s"), folded + "s") if f in self._by_name), None)
        if known is not None:
            key = self._by_name[known]
            self._mark(span, Ref(key, self._kind(key), "name"))
            self._count(key, span)
            return
        close = self.gazetteer.fuzzy(name)
        if close is not None:
            entity_id, score = close
            self._mark(span, Ref(entity_id, kind_of(self.entities[entity_id].types)))
            self.names.mentions.append(Mention(entity_id, span.start_char, span.end_char, name, score, "fuzzy"))
            self._by_name[folded] = entity_id
            return
        registry = self._registry_acronym_after(span)
        if registry is not None:  # "Tehrik-i-Taliban Pakistan (TTP)" where the registry knows "TTP"
            self._mark(span, registry)
            self.names.mentions.append(Mention(registry.key, span.start_char, span.end_char, name, 0.9, "variant"))
            self._by_name[folded] = registry.key
            return
        kind_class, confidence = self.suggest_type(span)
        key = self._new_key(name, kind_class, span[0], confidence, span)
        self._mark(span, Ref(key, KIND_OF_CLASS.get(kind_class, "group")))
        self._acronym_after(span, key)

    def _repeated_single_names(self) -> None:
        """A one-word name or acronym seen before ("LeK", "LeK." at a sentence end) names the same entity again."""
        for token in self.doc:
            if token.i in self.names.refs or not token.text[:1].isupper():
                continue
            key = self._by_name.get(token.text.rstrip(".").lower())
            if key is not None and key.startswith("new:"):
                self.names.refs[token.i] = Ref(key, self._kind(key), "name")
                self.names.new[key].count += 1

    def _registry_acronym_after(self, span: Span) -> Ref | None:
        doc = self.doc
        if span.end + 2 < len(doc) and doc[span.end].text == "(" and doc[span.end + 2].text == ")":
            ref = self.names.refs.get(span.end + 1)
            if ref is not None and not ref.key.startswith("new:"):
                return ref
        return None

    def _acronym_after(self, span: Span, key: str) -> None:
        """'Tehrik-i-Taliban Pakistan (TTP)': the bracketed acronym is an alias, and names the same entity later."""
        doc = self.doc
        if span.end + 2 < len(doc) and doc[span.end].text == "(" and doc[span.end + 2].text == ")":
            acronym = doc[span.end + 1]
            if ACRONYM.fullmatch(acronym.text) and acronym.i not in self.names.refs:
                self.names.refs[acronym.i] = Ref(key, self.names.refs[span.root.i].kind, "acronym")
                if acronym.text not in self.names.new[key].aliases:
                    self.names.new[key].aliases.append(acronym.text)
                self._by_name[acronym.text.lower()] = key

    def _new_key(self, name: str, kind_class: str, token: Token, confidence: float, span: Span | None = None) -> str:
        key = "new:" + slug(name)
        if key not in self.names.new:
            start = span.start_char if span is not None else token.idx
            end = span.end_char if span is not None else token.idx + len(token.text)
            self.names.new[key] = _New(name, kind_class, start, end, confidence)
            self._by_name[name.lower()] = key
        self.names.new[key].count += 1
        return key

    def _count(self, key: str, span: Span) -> None:
        if key in self.names.new:
            self.names.new[key].count += 1
        else:
            self.names.mentions.append(Mention(key, span.start_char, span.end_char, span.text, 0.9, "acronym"))

    def _kind(self, key: str) -> str:
        if key in self.names.new:
            return KIND_OF_CLASS.get(self.names.new[key].kind_class, "group")
        return kind_of(self.entities[key].types)

    def suggest_type(self, span: Span) -> tuple[str, float]:
        """A class for a new name: head noun (in or right after it), title, movement prefix, then NER label."""
        lex = self.lexicon
        words = [t.text.lower() for t in span]
        before = self.doc[span.start - 1] if span.start > 0 else None
        head_after = self._head_noun_after(span)
        if head_after is not None and KIND_OF_CLASS.get(lex.name_heads[head_after]) != "event":
            # "Mes Aynak mine", "Khost and Paktika provinces"; but "the Garissa University attack" names a place
            return lex.name_heads[head_after], 0.7
        if (before is not None and before.text.lower().rstrip(".") in lex.titles) or words[0].rstrip(".") in lex.titles:
            return "Person", 0.7
        for word in reversed(words):  # the last head word rules: "National Directorate of Security"
            if word in lex.name_heads:
                head_class = lex.name_heads[word]
                if head_class == "ArmedGroup" and word == "army" and _has_state_word(words, lex) and len(words) <= 2:
                    return "ArmedForce", 0.6  # "Pakistan Army" is the state's; "Syrian National Army" is not
                if head_class == "ArmedForce" and word in ("forces", "force", "army") and not _state_force(words, lex):
                    return "ArmedGroup", 0.55  # "Syrian Democratic Forces"
                return head_class, 0.7 if word == words[-1] else 0.55
        folded = [re.sub(r"['’`]", "", w) for w in words]
        if any(w in lex.group_prefixes or w.split("-")[0] in lex.group_prefixes for w in folded):
            return "ArmedGroup", 0.6  # "Jama'at Nusrat al-Islam", "Lashkar-e-Taiba", "Kataib Hezbollah"
        label = span.label_ or (span.root.ent_type_ if span.root.ent_type_ else "")
        if span.text.lower() in lex.states:
            return "State", 0.7  # whatever NER says of "Niger"
        in_place = span.root.dep_ == "pobj" and span.root.head.lower_ in PLACE_PREPOSITIONS
        if label == "PERSON" and before is not None and before.lower_ == "the":
            return ("Region", 0.4) if in_place else ("NonStateActor", 0.4)
        if label in ("PERSON", "ORG", "NORP", "") and in_place and len(words) == 1:
            return "City", 0.4  # "in Logar", "in Barsalogho": NER's person or group is a place something happens in
        if label == "PERSON":
            return "Person", 0.6
        if label == "GPE":
            if span.text.lower() in lex.states or agentive(span.root, lex):
                return "State", 0.6
            return "City", 0.5
        if label in ("LOC", "FAC"):
            return "Region" if label == "LOC" else "Infrastructure", 0.5
        if label == "EVENT":
            return "Event", 0.5
        if label == "NORP":
            return "NonStateActor", 0.5
        if label == "ORG":
            return "NonStateActor", 0.5
        return "NonStateActor", 0.3

    def _head_noun_after(self, span: Span) -> str | None:
        """The common noun right after a name, or after names coordinated with it ("Khost and Paktika provinces")."""
        i = span.end
        while i < len(self.doc) and (self.doc[i].pos_ == "PROPN" or self.doc[i].lower_ in ("and", ",", "or", "-")):
            i += 1
        if i < len(self.doc) and self.doc[i].pos_ == "NOUN" and self.doc[i].lower_ in self.lexicon.name_heads:
            between = self.doc[span.end : i]
            if len(between) == 0 or between[0].lower_ in ("and", ",", "or"):
                return self.doc[i].lower_
        return None

    # -- "Pakistani forces", "US officials": the state acts through them

    def _state_agents(self) -> None:
        for token in self.doc:
            if token.i in self.names.refs or token.lemma_.lower() not in self.lexicon.state_agents:
                continue
            for child in token.children:
                ref = self.names.refs.get(child.i)
                modifies = child.dep_ in ("amod", "compound", "nmod", "poss") and ref is not None and ref.is_actor
                # "Pakistani forces" act for Pakistan; "the Taliban's defence ministry" for the Taliban
                if modifies and ref is not None and (ref.kind == "state" or child.dep_ == "poss"):
                    self.names.refs[token.i] = Ref(ref.key, ref.kind, "agent")
                    break

    # -- light coreference

    def _anaphors(self) -> None:
        for token in self.doc:
            if token.i in self.names.refs:
                continue
            word = token.text.lower()
            if word in RELATIVE and token.dep_ in ("nsubj", "nsubjpass", "dobj", "poss") and token.head.dep_ == "relcl":
                ref = self.names.refs.get(token.head.head.i)
                if ref is not None:
                    self.names.refs[token.i] = Ref(ref.key, ref.kind, "coref")
                continue
            wanted = self._wanted_kinds(token)
            if wanted is None:
                continue
            antecedent = self._pair(token, wanted) if _is_pair(token) else self._antecedent(token, wanted)
            if antecedent is not None:
                self.names.refs[token.i] = Ref(antecedent.key, antecedent.kind, "coref", antecedent.also)
                self._coref_mention(token, antecedent)

    def _wanted_kinds(self, token: Token) -> frozenset[str] | None:
        word = token.text.lower()
        if token.pos_ == "PRON" and word in PERSONAL:
            return frozenset({"person"})
        if token.pos_ == "PRON" and word in NEUTER:
            return frozenset({"group", "organ", "state"})
        anaphor = self.lexicon.anaphors.get(token.lemma_.lower())
        if anaphor is None or token.pos_ != "NOUN":
            return None
        determiners = [c for c in token.children if c.dep_ in ("det", "predet")]
        named = [c for c in token.children if c.dep_ in ("compound", "amod", "poss") and c.i in self.names.refs]
        if not determiners or determiners[0].lower_ not in ("the", "this", "that", "both") or named:
            return None
        if any(c.dep_ == "prep" for c in token.children):
            return None  # "the group of ..." introduces, it does not refer back
        return frozenset({"group": ("group",), "state": ("state",), "place": ("place",)}[anaphor])

    def _pair(self, token: Token, wanted: frozenset[str]) -> Ref | None:
        """'the two countries', 'both groups': the two nearest distinct compatible actors before."""
        at = bisect.bisect_right(self._sentence_starts, token.i) - 1
        first = self._sentence_starts[max(0, at - COREF_WINDOW)]
        found: list[Ref] = []
        for i in range(token.i - 1, first - 1, -1):
            ref = self.names.refs.get(i)
            if ref is not None and ref.kind in wanted and ref.key not in {f.key for f in found}:
                found.append(ref)
                if len(found) == 2:
                    return Ref(found[1].key, found[1].kind, "coref", (found[0].key,))
        return None

    def _antecedent(self, token: Token, wanted: frozenset[str]) -> Ref | None:
        """The nearest compatible actor before the anaphor, a subject preferred (centering: subjects persist)."""
        at = bisect.bisect_right(self._sentence_starts, token.i) - 1
        first = self._sentence_starts[max(0, at - COREF_WINDOW)]
        clause_head = token.head
        nearest: Ref | None = None
        for i in range(token.i - 1, first - 1, -1):
            ref = self.names.refs.get(i)
            if ref is None or ref.kind not in wanted:
                continue
            other = self.doc[i]
            if other.head == clause_head and other.dep_.startswith("nsubj") and token.dep_ in ("dobj", "pobj"):
                continue  # "Iran supports it": "it" is not Iran
            if (
                token.dep_ == "poss"
                and clause_head.dep_ in ("attr", "oprd")
                and ref.key in self._subject_keys(clause_head.head)
            ):
                continue  # "the SNA is its proxy": "its" is not the SNA
            if NEUTER.get(token.lower_) == "plural":
                ref = self._with_conjuncts(other, ref)
            subject_like = token.dep_.startswith("nsubj") or (
                token.dep_ == "poss" and token.head.dep_.startswith("nsubj")  # "Its commander, ..., was killed"
            )
            if other.dep_.startswith("nsubj") and subject_like:
                return ref
            nearest = nearest or ref
        return nearest

    def _with_conjuncts(self, token: Token, ref: Ref) -> Ref:
        """For they/their: the whole coordination the antecedent is in ("the Taliban and the Haqqani Network")."""
        while token.dep_ == "conj":
            token = token.head
        while token.dep_ in ("compound", "flat") and self.names.refs.get(token.head.i) == self.names.refs.get(token.i):
            token = token.head
        keys = [r.key for t in (token, *token.conjuncts) if (r := self.names.refs.get(t.i)) is not None and r.is_actor]
        keys = list(dict.fromkeys(keys))
        if len(keys) < 2:
            return ref
        return Ref(keys[0], ref.kind, ref.how, tuple(keys[1:]))

    def _subject_keys(self, verb: Token) -> set[str]:
        return {r.key for c in verb.children if c.dep_.startswith("nsubj") and (r := self.names.refs.get(c.i))}

    def _coref_mention(self, token: Token, ref: Ref) -> None:
        if not ref.key.startswith("new:"):
            end = token.idx + len(token.text)
            self.names.mentions.append(Mention(ref.key, token.idx, end, token.text, 0.5, "coref"))

    def _mark(self, span: Span, ref: Ref) -> None:
        for token in span:
            self.names.refs.setdefault(token.i, ref)


TERRITORIAL_VERBS = frozenset(
    {"capture", "seize", "take", "enter", "besiege", "shell", "bomb", "storm", "reach", "visit", "leave", "flee", "hit"}
)
PLACE_OF = frozenset({"in", "at", "near", "to", "from", "into", "across", "outside", "inside", "around", "towards"})


def capital_acts(token: Token) -> bool:
    """A capital stands for its state ("Ankara denied", "talks between Kabul and Islamabad") unless it is where
    something happens or is taken ("in Kabul", "captured Kabul")."""
    while token.dep_ == "conj":
        token = token.head
    if token.dep_ == "pobj" and token.head.lower_ in PLACE_OF:
        return False
    if token.dep_ in ("dobj", "nsubjpass") and token.head.lemma_.lower() in TERRITORIAL_VERBS:
        return False
    return token.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj", "appos") or acting(token)


def _is_name_span(span: Span, lexicon: Lexicon) -> bool:
    """A multi-word name with a capitalised word that is neither a demonym nor a title ("Syrian National Army")."""
    return any(
        t.text[:1].isupper() and t.lower_ not in lexicon.demonyms and t.lower_ not in lexicon.titles and not t.is_punct
        for t in span
    ) and any(t.lower_ in lexicon.demonyms for t in span)


def acting(token: Token) -> bool:
    """Does this token stand where an actor stands: a subject, a possessor, the agent of a passive, the
    antecedent of a relative clause's subject, the one accused?"""
    if token.dep_ in ("nsubj", "nsubjpass", "poss"):
        return True
    if any(
        c.dep_ == "relcl" and any(g.dep_ == "nsubj" and g.lower_ in RELATIVE for g in c.children)
        for c in token.children
    ):
        return True
    if token.dep_ == "dobj" and token.head.lemma_.lower() in ("accuse", "blame", "suspect", "urge", "press"):
        return True
    if token.dep_ == "pobj" and token.head.dep_ == "agent":
        return True
    return token.dep_ == "conj" and acting(token.head)


def agentive(token: Token, lexicon: Lexicon) -> bool:
    """The subject of a verb that needs a will (supply, attack, say): a place name there stands for a state."""
    while token.dep_ == "conj":
        token = token.head
    verb = token.head
    lemma = verb.lemma_.lower()
    return token.dep_ == "nsubj" and (lemma in lexicon.verbs or lemma in lexicon.reporting)


def _is_pair(token: Token) -> bool:
    """'the two countries', 'both groups'."""
    return token.tag_ in ("NNS", "NNPS") and any(
        (c.dep_ == "nummod" and c.lower_ in ("two", "2")) or c.lower_ == "both" for c in token.children
    )


def _cut_at_possessives(span: Span) -> list[Span]:
    parts: list[Span] = []
    start = span.start
    for t in span:
        if t.dep_ == "case" or t.text in ("'s", "’s"):
            if t.i > start:
                parts.append(span.doc[start : t.i])
            start = t.i + 1
    if span.end > start:
        parts.append(span.doc[start : span.end])
    return parts


def split_coordination(span: Span) -> list[Span]:
    """'Khyber Pakhtunkhwa and Balochistan' -> the two names; a name with no 'and' or comma stays whole."""
    cuts = [t.i for t in span if (t.dep_ == "cc" and t.text != "&") or t.text in (",", ";")]
    if not cuts:
        return [span]
    parts: list[Span] = []
    start = span.start
    for cut in [*cuts, span.end]:
        if cut > start:
            parts.append(span.doc[start:cut])
        start = cut + 1
    return parts


def trim(span: Span, lexicon: Lexicon) -> Span:
    """Without a leading article, title or role ("the former Head of ..."), a trailing possessive or punctuation;
    and within one sentence."""
    start, end = span.start, span.end
    doc = span.doc
    for t in span[1:]:
        if t.is_sent_start or any(ch in FOOTNOTE_MARKS for ch in t.text) or t.text in (".", "!", "?"):
            end = t.i  # "population.¹¹ Nevertheless": a footnote mark or a full stop ends the name
            break
    while start < end and (
        doc[start].dep_ == "det"
        or doc[start].is_punct
        or doc[start].lower_ in LEADING_WORDS
        or doc[start].lower_ in lexicon.titles
        or doc[start].lower_ in lexicon.roles
        or (doc[start].lower_ in ("of", "former") and start > span.start)
    ):
        start += 1
    while end > start and (doc[end - 1].dep_ == "case" or doc[end - 1].is_punct or doc[end - 1].text in ("'s", "’s")):
        end -= 1
    return doc[start:end]


def _standalone(token: Token) -> bool:
    """A lone proper noun is a name unless it only opens the sentence (where any word is capitalised)."""
    return (not token.is_sent_start and len(token.text) >= 3) or ACRONYM.fullmatch(token.text) is not None


def _state_force(words: list[str], lexicon: Lexicon) -> bool:
    """'Pakistani Armed Forces', 'Afghan Security Forces', 'Pakistan Army': a state's; other named forces are groups."""
    if any(w in ("armed", "security", "defence", "defense", "special", "air", "naval", "border") for w in words):
        return True
    return len(words) <= 2 and _has_state_word(words, lexicon)


def _has_state_word(words: list[str], lexicon: Lexicon) -> bool:
    return any(w in lexicon.states or w in lexicon.demonyms for w in words)
