"""Who the words of a parsed text refer to: registry entities, new names, states by demonym or capital, anaphors.

``NameResolver`` walks a spaCy parse once and gives every token that names an actor, place
or event a ``Ref`` (``name_refs``): a registry id (through the registry's gazetteer: labels,
aliases, metonyms, spelling variants) or a ``new:<slug>`` key for a name the registry lacks
(the names found by ``name_spans``: NER and proper-noun runs, split on coordination; typed by
``name_kinds`` from the head noun, the NER label and titles). Demonyms and capitals reach their
state where the state acts ("Pakistani forces", "Beijing convened"); an acronym in brackets
becomes an alias of the name before it; last, ``coreference`` points "it", "they", "the group"
and relative pronouns at the nearest compatible actor.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.extract.base import Mention
from actorgraph.graph.extract.coreference import RELATIVE, Coreference
from actorgraph.graph.extract.lexicon import Lexicon
from actorgraph.graph.extract.mentions import Gazetteer
from actorgraph.graph.extract.name_kinds import KIND_OF_CLASS, kind_of, suggest_type
from actorgraph.graph.extract.name_refs import Names, NewName, Ref
from actorgraph.graph.extract.name_spans import ACRONYM, add_described, name_spans, split_coordination, trim
from actorgraph.graph.model import Entity


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


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
        self._states: dict[str, str | None] = {}  # state name -> registry id, looked up once

    def resolve(self) -> Names:
        spans = name_spans(self.doc, self.lexicon)
        self._registry(spans)
        self._demonyms_and_capitals(spans)
        self._new_names(spans)
        self._repeated_single_names()
        self._types_from_use()
        self._state_agents()
        add_described(self.doc, self.names, self.lexicon, self.gazetteer)  # hook: descriptions, longer spellings
        Coreference(self.doc, self.names, self.lexicon, self._classes).resolve()
        return self.names

    # -- registry

    def _registry(self, names: list[Span]) -> None:
        every = self.gazetteer.find(self.text)
        # A name inside a longer registry name ("US" in "US military") is mentioned; its tokens are the longer one's.
        for m in every:
            if m.how == "nested":
                self.names.mentions.append(m)
                ref = Ref(m.entity, kind_of(self.entities[m.entity].types), "nested")
                self.names.nested.setdefault(m.start, []).append(ref)
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
            elif how == "demonym" and token.text not in self.names.new[key].aliases and token.text != state_name:
                # a demonym names the state; a capital is a city, never an alias of its state in the registry
                self.names.new[key].aliases.append(token.text)

    # -- names the registry lacks

    def _new_names(self, spans: list[Span]) -> None:
        for span in self._named_by_acronym(spans):
            for part in split_coordination(span) if span.label_ != ACRONYM_NAMED else [span]:
                part = trim(part, self.lexicon)
                if len(part) == 0 or any(t.i in self.names.refs for t in part):
                    continue
                self._new_name(part)

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
        alias_of = self._alias_of(span)
        if alias_of is not None:  # "Mohamed Hamdan Dagalo, known as Hemedti": one person, two names
            self._mark(span, alias_of)
            if alias_of.key in self.names.new:
                self._count(alias_of.key, span)
                self.names.new[alias_of.key].aliases.append(name)
            else:
                self.names.mentions.append(Mention(alias_of.key, span.start_char, span.end_char, name, 0.8, "alias"))
            self._by_name[folded] = alias_of.key
            return
        person = self._person_by_surname(span)
        if person is not None:  # "Khalifa Haftar ... Haftar's forces": the surname names the person named before
            self._mark(span, Ref(person, "person", "name"))
            self._count(person, span)
            if name not in self.names.new[person].aliases:
                self.names.new[person].aliases.append(name)
            return
        registry = self._registry_acronym_after(span)
        if registry is not None:  # "Tehrik-i-Taliban Pakistan (TTP)" where the registry knows "TTP"
            self._mark(span, registry)
            self.names.mentions.append(Mention(registry.key, span.start_char, span.end_char, name, 0.9, "variant"))
            self._by_name[folded] = registry.key
            return
        kind_class, confidence = suggest_type(span, self.lexicon)
        key = self._new_key(name, kind_class, span[0], confidence, span)
        self._mark(span, Ref(key, KIND_OF_CLASS.get(kind_class, "group")))
        self._acronym_after(span, key)

    def _alias_of(self, span: Span) -> Ref | None:
        """The name right before this one that it is another name of: "X, (better) known as Y", "X, nicknamed
        (the) Y", "X, alias Y"."""
        doc = self.doc
        at = span.start - 1
        if at >= 0 and doc[at].lower_ == "the":
            at -= 1  # "nicknamed the Orchestra"
        if at >= 1 and doc[at].lower_ == "as" and doc[at - 1].lower_ == "known":
            at -= 1
        elif at < 0 or doc[at].lower_ not in ("nicknamed", "alias", "dubbed"):
            return None
        at -= 1
        while at >= 0 and (doc[at].lower_ in ("better", "also", "widely", "locally") or doc[at].text == ","):
            at -= 1  # back over ", better" to the name
        ref = self.names.refs.get(at) if at >= 0 and doc[at + 1].text == "," else None
        return ref if ref is not None and ref.kind in ("person", "group", "organ") else None

    def _person_by_surname(self, span: Span) -> str | None:
        """The new person named before whose last word this one-word name is ("Haftar" after "Khalifa Haftar")."""
        if len(span) != 1:
            return None
        word = span.text.lower()
        return next(
            (
                key
                for key, new in self.names.new.items()
                if new.kind_class == "Person" and " " in new.name and new.name.lower().rsplit(" ", 1)[1] == word
            ),
            None,
        )

    def _types_from_use(self) -> None:
        """A new name's class where how the text uses it says more than the name did: a state of the states table
        is a State; a name before a place noun ("the Al-Watiya air base") is that place; a name the text only
        uses as a place ("entered Bukavu", "fighting around Kidal", "Goma, the capital of ...") is a City."""
        uses: dict[str, list[Token]] = {}
        for i, ref in self.names.refs.items():
            if ref.key in self.names.new and ref.how == "name" and self.names.refs.get(self.doc[i].head.i) != ref:
                uses.setdefault(ref.key, []).append(self.doc[i])  # the word of the name the sentence attaches to
        for key, new in self.names.new.items():
            kind_class = self._class_from_use(new, uses.get(key, []))
            if kind_class is None or kind_class == new.kind_class:
                continue
            new.kind_class = kind_class
            kind = KIND_OF_CLASS.get(kind_class, "group")
            for i, ref in list(self.names.refs.items()):
                if ref.key == key:
                    self.names.refs[i] = Ref(ref.key, kind, ref.how, ref.also)

    def _class_from_use(self, new: NewName, roots: list[Token]) -> str | None:
        if new.name.lower() in self.lexicon.states:
            return "State"
        if KIND_OF_CLASS.get(new.kind_class) in ("place", "state") or not roots:
            return None
        heads = {head for root in roots if (head := self._place_head(root)) is not None}
        if len(heads) == 1:
            return heads.pop()
        weak = new.kind_class in USE_TYPED and new.confidence <= USE_TYPED_CONFIDENCE
        if weak and all(self._used_as_place(root) for root in roots):
            return "City"
        return None

    def _place_head(self, root: Token) -> str | None:
        """The place class of the common noun this name is a compound of or in apposition to ("Bakara air base",
        "Goma, the capital of North Kivu"), None if there is none."""
        nouns = [root.head] if root.dep_ == "compound" else [c for c in root.children if c.dep_ == "appos"]
        for noun in nouns:
            kind_class = self.lexicon.name_heads.get(noun.lemma_.lower())
            if noun.pos_ == "NOUN" and kind_class is not None and KIND_OF_CLASS.get(kind_class) == "place":
                return kind_class
        return None

    def _used_as_place(self, token: Token) -> bool:
        """Where the sentence puts a name only a place stands: after "in"/"around", taken or entered ("captured X"),
        or after "of" a place noun ("the camps of X")."""
        while token.dep_ == "conj":
            token = token.head
        if token.dep_ == "pobj" and token.head.lower_ == "of":
            return KIND_OF_CLASS.get(self.lexicon.name_heads.get(token.head.head.lemma_.lower(), "")) == "place"
        if token.dep_ == "pobj":
            return token.head.lower_ in LOCATIVE
        return token.dep_ in ("dobj", "nsubjpass") and token.head.lemma_.lower() in PLACE_VERBS

    def _named_by_acronym(self, spans: list[Span]) -> list[Span]:
        """The names, with those a bracketed acronym spells joined into one: "the UN Support Mission in Libya
        (UNSMIL)" is one name, not a mission and a Libya whose acronym is UNSMIL."""
        doc = self.doc
        joined: list[Span] = []
        for span in spans:
            end = span.end
            acronym = (
                doc[end + 1].text if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" else ""
            )
            start = _acronym_start(doc, span, acronym) if ACRONYM.fullmatch(acronym) else None
            if start is None or any(t.i in self.names.refs for t in doc[start:end]):
                joined.append(span)
                continue
            while joined and joined[-1].end > start:
                joined.pop()  # the pieces the longer name is made of
            joined.append(Span(doc, start, end, label=ACRONYM_NAMED))
        return joined

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
            self.names.new[key] = NewName(name, kind_class, start, end, confidence)
            self._by_name[name.lower()] = key
        self.names.new[key].count += 1
        return key

    def _count(self, key: str, span: Span) -> None:
        if key in self.names.new:
            self.names.new[key].count += 1
        else:
            self.names.mentions.append(Mention(key, span.start_char, span.end_char, span.text, 0.9, "acronym"))

    def _classes(self, key: str) -> tuple[str, ...]:
        if key in self.names.new:
            return (self.names.new[key].kind_class,)
        entity = self.entities.get(key)
        return entity.types if entity is not None else ()

    def _kind(self, key: str) -> str:
        if key in self.names.new:
            return KIND_OF_CLASS.get(self.names.new[key].kind_class, "group")
        return kind_of(self.entities[key].types)

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

    def _mark(self, span: Span, ref: Ref) -> None:
        for token in span:
            self.names.refs.setdefault(token.i, ref)


ACRONYM_NAMED = "ACRONYM_NAMED"  # the label of a name joined because its bracketed acronym spells it whole
# Words that may stand inside a name an acronym spells ("Mission in Libya", "Support and Stabilisation")
NAME_JOINERS = frozenset({"in", "of", "for", "and", "the", "de", "du", "des", "la", "el", "al"})
ACRONYM_REACH = 10  # tokens before a name an acronym's name may start


def _acronym_start(doc: Doc, span: Span, acronym: str) -> int | None:
    """Where the name a bracketed acronym spells starts, when it starts before this name span (None when the
    span alone fits the acronym, or no longer stretch of capitalised words and joiners does)."""
    if _spells(acronym, span.text):
        return None
    start = span.start
    while start > 0 and span.start - start < ACRONYM_REACH:
        before = doc[start - 1]
        within = before.text[:1].isupper() or before.lower_ in NAME_JOINERS or not before.whitespace_  # "Tehrik-i-"
        if before.is_sent_start or not within:
            break
        start -= 1
        if before.text[:1].isupper() and _spells(acronym, doc[start : span.end].text):
            return start
    return None


def _spells(acronym: str, name: str) -> bool:
    """An acronym spells a name when it opens with the name's first letter and its letters occur in the name in
    order ("UNSMIL": "UN Support Mission in Libya"; not "Libya")."""
    letters = iter(name.lower())
    return name[:1].lower() == acronym[:1].lower() and all(c in letters for c in acronym.lower())


# Classes a name gets from weak evidence (NER alone, no head noun, no title), which its use may overrule.
USE_TYPED = frozenset({"Person", "NonStateActor", "Agent"})
USE_TYPED_CONFIDENCE = 0.6
# Prepositions that make their object a place ("in", "around"); "to" and "from" also take actors ("arms to X").
LOCATIVE = frozenset({"in", "at", "near", "into", "inside", "outside", "around", "across", "towards", "through"})
TERRITORIAL_VERBS = frozenset(
    {"capture", "seize", "take", "enter", "besiege", "shell", "bomb", "storm", "reach", "visit", "leave", "flee", "hit",
     "attack", "strike", "raid", "overrun", "recapture", "retake", "encircle", "defend"}
)  # fmt: skip
# Verbs whose object is a place whatever else it could be: a name only ever taken or entered is a town.
PLACE_VERBS = frozenset({"capture", "seize", "enter", "besiege", "storm", "overrun", "recapture", "retake", "encircle"})
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
