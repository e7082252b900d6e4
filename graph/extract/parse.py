"""The parse extractor: who did what to whom, read from spaCy's dependency parse.

For every sentence it takes the verbs and nouns the lexicon knows (lexicon.yaml) and reads
their arguments from the parse, not from word distance:

- verbs: the subject (``nsubj``; the ``agent`` of a passive, "was killed by X"), the object
  (``dobj``, ``dative``, the object of a named preposition, "between X and Y"); a subject
  missing from the clause is inherited from the governing verb (``xcomp`` "began firing",
  ``conj``, participial ``advcl``, "accused X of funding", relative clauses through their pronoun);
- nominalisations ("Pakistan's support for the Taliban", "US strikes on X", "the bombing of a
  rally by X", "launched air strikes on X": the light verb's subject is the noun's);
- role nouns ("JNIM, al-Qaeda's affiliate", "HTS leader X", "X became Syria's president");
- possessed organs ("Pakistan's Inter-Services Intelligence", "its Quds Force": part of);
- "Iran-backed groups".

Coordination is read on both sides (each conjunct is a party; "money, missiles and training"
selects funds, arms and trains). The claim keeps what the text says of it: attribution and
certainty from reporting verbs ("X denied", "officials said", "analysts expect"), hedges
("reportedly", "may"), negation and "according to X"; time from the clause's date (or the
sentence's), "since" as a start, "until" as an end, a decade as a span; place from
in/at/near; a number on the object as a quantity. The quote is the sentence as it stands
in the text, with its offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.config import Settings
from actorgraph.graph.extract.base import ExtractionResult, Progress, Proposal, no_progress
from actorgraph.graph.extract.families import SYMMETRIC, family_of
from actorgraph.graph.extract.lexicon import Frame, Lexicon, load_lexicon
from actorgraph.graph.extract.mentions import Gazetteer
from actorgraph.graph.extract.nlp import parse
from actorgraph.graph.extract.referents import NameResolver, Names, Ref
from actorgraph.graph.model import Entity

VERSION = "0.1.0"
MONTHS = {
    m: i
    for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"),
        start=1,
    )
}  # fmt: skip
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"),
    )
}  # fmt: skip
START_PREPOSITIONS = frozenset({"since", "from", "after"})
END_PREPOSITIONS = frozenset({"until", "till", "through", "before"})
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "inside", "across", "outside"})
SUBJECT_INHERITING = frozenset({"xcomp", "conj", "advcl", "pcomp", "ccomp"})
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)(s?)\b")
SUPPORT_FAMILIES = frozenset({"support", "funding", "arming", "hosting"})
ADJ_DEPS = frozenset({"acomp", "oprd", "amod", "appos"})
PERSON_ROLES = frozenset({"leaderOf", "officialOf"})
ACCUSING = frozenset({"blame", "accuse", "suspect", "charge", "credit"})
NEW_ENTITY_FACTOR = 0.9
INDIRECT_FACTOR = 0.85  # an argument found through coreference or an inherited subject


@dataclass(frozen=True)
class Party:
    """An argument of a predicate: the entity and the token that names it there."""

    ref: Ref
    token: Token

    @property
    def indirect(self) -> bool:
        return self.ref.how == "coref"


@dataclass(frozen=True)
class Claim:
    """Who says it and how sure it is."""

    certainty: str = "stated"
    attributed_to: tuple[str, ...] = ()


class ParseExtractor:
    """Extractor 'parse': spaCy dependency parse + lexicon.yaml; no network, no model of its own."""

    name = "parse"

    def __init__(self, model: str | None = None, lexicon: Lexicon | None = None) -> None:
        self.model = model or Settings.from_env().spacy_model
        self.lexicon = lexicon or load_lexicon()
        self.version = f"{VERSION} ({self.lexicon.version}; {self.model})"

    def extract(self, text: str, entities: dict[str, Entity], progress: Progress = no_progress) -> ExtractionResult:
        doc = parse(text, self.model)
        names = NameResolver(doc, entities, Gazetteer(entities), self.lexicon).resolve()
        reader = SentenceReader(doc, names, self.lexicon)
        sentences = list(doc.sents)
        proposals: list[Proposal] = []
        for done, sentence in enumerate(sentences, start=1):
            proposals.extend(reader.read(sentence))
            progress(done, len(sentences))
        result = ExtractionResult(self.name)
        result.mentions = sorted(names.mentions, key=lambda m: (m.start, m.end))
        result.new_entities = names.candidates()
        result.proposals = dedupe(proposals)
        return result


class SentenceReader:
    """Proposals of one sentence at a time, from the parse and the resolved names."""

    def __init__(self, doc: Doc, names: Names, lexicon: Lexicon) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token on each access: once here
        self.names = names
        self.lex = lexicon

    def read(self, sentence: Span) -> Iterator[Proposal]:
        for token in sentence:
            lemma = token.lemma_.lower()
            if token.pos_ in ("VERB", "AUX") and lemma in self.lex.verbs and token.dep_ != "amod":
                yield from self._verb(token, sentence)
            elif token.dep_ == "amod" and token.tag_ == "VBN" and lemma in self.lex.verbs:
                yield from self._backed(token, sentence)
            in_proper_name = token.pos_ == "PROPN" and self.names.ref(token) is not None
            # a word of a proper name ("Northern Alliance", "Supreme Leader Khamenei") is no predicate
            if token.pos_ in ("NOUN", "PROPN") and lemma in self.lex.nouns and not in_proper_name:
                yield from self._noun(token, sentence)
            if (
                lemma in self.lex.roles
                and not in_proper_name
                and (token.pos_ in ("NOUN", "PROPN") or token.dep_ == "amod")
            ):
                yield from self._role(token, sentence)
            if token.pos_ in ("ADJ", "VERB") and token.lower_ in self.lex.adjectives and token.dep_ in ADJ_DEPS:
                yield from self._adjective(token, sentence)
            if token.lower_ == "anti" and token.i + 2 < sentence.end and self.doc[token.i + 1].text == "-":
                yield from self._anti(token, sentence)
            ref = self.names.ref(token)
            if ref is not None and ref.kind in ("organ", "group") and token == _name_root(token, self.names):
                yield from self._possessed(token, ref, sentence)
                yield from self._based(token, ref, sentence)

    # -- verbs

    def _verb(self, verb: Token, sentence: Span) -> Iterator[Proposal]:
        subjects = self.subjects(verb)
        if not subjects:
            return
        themed = False  # the general reading of a transfer verb only when no themed one applied
        for frame in self.lex.verbs[verb.lemma_.lower()]:
            if frame.theme is not None and not self._theme_matches(verb, frame):
                continue
            if frame.theme is None and themed:
                continue
            themed = themed or frame.theme is not None
            objects = self._objects(verb, frame)
            if frame.reverse:  # "X received weapons from Y": Y arms X
                pairs = [(o, s) for s, o in self._pairs_any(subjects, objects)]
            else:
                pairs = list(self._pairs(subjects, objects))
            for subject, obj in pairs:
                if subject.ref.is_actor:
                    yield self._proposal(frame, subject, obj, verb, sentence, cue=f"verb:{verb.lemma_.lower()}")

    def subjects(self, verb: Token) -> list[Party]:
        """The doers: nsubj, or a passive's agent, or inherited from the governing word."""
        if _is_passive(verb):
            agents = [c for c in verb.children if c.dep_ == "agent"]
            frames = self.lex.verbs.get(verb.lemma_.lower(), ())
            if not agents and frames and all("dobj" not in f.object for f in frames):
                # a stative passive: "the TTP is allied with the Taliban", "X is affiliated with Y"
                return self._parties(c for c in verb.children if c.dep_ == "nsubjpass")
            return self._parties(p for a in agents for p in a.children if p.dep_ == "pobj")
        found = self._parties(c for c in verb.children if c.dep_ in ("nsubj", "csubj"))
        if found or verb.dep_ == "ROOT":
            return found
        head = verb.head
        if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.lemma_.lower() in ("accuse", "suspect"):
            # "X accused Y of funding Z": Y funds Z (the accusation is the claim's source)
            return self._parties(c for c in head.head.children if c.dep_ in ("dobj", "nsubjpass"))
        if verb.dep_ == "pcomp" and head.lemma_.lower() == "by":
            return self.subjects(head.head) if head.head.pos_ in ("VERB", "AUX") else []
        if verb.dep_ == "acl":
            parent = self._party(head)
            if parent is not None:
                return [parent]
            # "the efforts of the Quds Force to arm the Taliban", "Iran's decision to fund X"
            return self._parties(c for c in head.children if c.dep_ == "poss") or self._prep_objects(head, "of")
        if verb.dep_ in SUBJECT_INHERITING and head.pos_ in ("VERB", "AUX") and not _is_passive(head):
            return self.subjects(head)
        return []

    def _objects(self, verb: Token, frame: Frame) -> list[list[Party]]:
        """For each role of the frame in order, the parties found there; the first role that has any wins."""
        for role in frame.object:
            if role == "dobj":
                if verb.dep_ == "acl" and verb.tag_ == "VBN":
                    found = self._parties([verb.head]) if _is_passive(verb) and not frame.theme else []
                elif _is_passive(verb):
                    found = self._parties(c for c in verb.children if c.dep_ == "nsubjpass")
                else:
                    found = self._parties(c for c in verb.children if c.dep_ == "dobj")
                    if not found and not any(c.dep_ == "dobj" for c in verb.children):
                        # "funded and armed the Taliban": the object after the last conjunct is shared
                        found = self._parties(c for v in verb.conjuncts for c in v.children if c.dep_ == "dobj")
            elif role == "dative":
                found = self._parties(c for c in verb.children if c.dep_ == "dative" and c.pos_ != "ADP")
                found += self._prep_objects(verb, "to", include_dobj=True)
            elif role == "between":
                between = self._prep_objects(verb, "between", include_dobj=True)
                if len(between) >= 2:
                    return [between]
                continue
            else:
                found = self._prep_objects(verb, role.split(":", 1)[1], include_dobj=True)
            if found:
                return [found]
        return []

    def _theme_matches(self, verb: Token, frame: Frame) -> bool:
        themes = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        if verb.dep_ == "acl":
            themes.append(verb.head)  # "the threat posed by X to Y"
        words = [w for t in themes for w in (t, *t.conjuncts)]
        return any(self.lex.in_theme(frame.theme, w.lemma_) for w in words)

    def _prep_objects(self, head: Token, preposition: str, *, include_dobj: bool = False) -> list[Party]:
        heads = [head]
        if include_dobj:  # "supplied money to X": "to" may hang on the verb or on its object
            heads += [c for c in head.children if c.dep_ in ("dobj", "nsubjpass")]
        preps = [c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == preposition]
        objects = [p for prep in preps for p in prep.children if p.dep_ == "pobj"]
        if preposition == "between":
            # "between the Taliban and Afghan opposition figures" is often parsed with the first party a
            # modifier of the second's head noun; both are parties all the same
            objects += [m for p in objects for m in p.children if m.dep_ in ("nmod", "compound") and m.i < p.i]
        return self._parties(objects)

    def _backed(self, participle: Token, sentence: Span) -> Iterator[Proposal]:
        """'Iran-backed groups': the name before the hyphen backs what the noun names."""
        doer = [c for c in participle.children if c.dep_ in ("npadvmod", "compound", "nmod", "advmod")]
        if participle.i >= 2 and self.doc[participle.i - 1].text == "-":
            doer.append(self.doc[participle.i - 2])
        subjects = self._parties(doer)
        objects = self._parties([participle.head])
        for frame in self.lex.verbs[participle.lemma_.lower()][:1]:
            if family_of(frame.predicate) not in SUPPORT_FAMILIES:
                continue  # "Iran-backed", "US-funded"; "Kurdish-led" names who, not which actor
            for subject, obj in self._pairs(subjects, [objects]):
                yield self._proposal(frame, subject, obj, participle, sentence, cue="participle")

    # -- nominalisations

    def _noun(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        subjects, light = self._noun_subjects(noun)
        receiving = light is not None and light.lemma_.lower() in self.lex.receiving_verbs
        for frame in self.lex.nouns[noun.lemma_.lower()]:
            objects = self._noun_objects(noun, frame, light, subjects)
            if receiving:  # "X received support from Y": Y supports X
                givers = self._prep_objects(light, "from", include_dobj=True) if light is not None else []
                objects, subjects = [subjects] if subjects else [], givers
            helped = self._with_phrase(noun)
            if family_of(frame.predicate) in SUPPORT_FAMILIES and not objects and helped is not None:
                # "With Iranian backing, the Houthis ...", "the TTP, with support from Iran, ...": the
                # clause's subject is helped by whoever the noun names
                subjects = subjects or self._prep_objects(noun, "from")
                objects = [self.subjects(helped)]
            if not subjects and objects and len(objects[0]) >= 2 and "between" in frame.object:
                first, *rest = objects[0]  # "tensions between X and Y"
                subjects, objects = [first], [rest]
            if len(subjects) >= 2 and not objects and family_of(frame.predicate) in SYMMETRIC:
                first, *rest = subjects  # "Afghanistan-Iran cooperation", "US-Taliban talks"
                subjects, objects = [first], [rest]
            for subject, obj in self._pairs(subjects, objects):
                anchor = light if light is not None else noun
                yield self._proposal(frame, subject, obj, anchor, sentence, cue=f"noun:{noun.lemma_.lower()}")
            if subjects or objects:
                break

    def _noun_subjects(self, noun: Token) -> tuple[list[Party], Token | None]:
        modifiers = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i < noun.i]
        # "Afghanistan-Iran cooperation": the first name hangs on the second through the hyphen
        modifiers += [g for m in modifiers for g in m.children if g.dep_ == "compound" and g.nbor().text == "-"]
        own = self._parties(modifiers)
        own = [p for p in own if p.ref.is_actor]  # "the Garissa University attack": a place is no doer
        by = self._prep_objects(noun, "by")
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_.lower() == "responsibility":
            # "X claimed responsibility for the bombing of Y": X did it, by its own claim (the verb above says so)
            owner = head.head.head
            return (self.subjects(owner) if owner.pos_ in ("VERB", "AUX") else []), None
        if noun.dep_ == "pobj" and head.lower_ in ("for", "of") and head.head.lemma_.lower() in ACCUSING:
            # "blamed X for the attack", "accused X of the killing": X is the noun's doer
            return self._parties(c for c in head.head.children if c.dep_ in ("dobj", "nsubjpass")), None
        if (own and not all(p.indirect for p in own)) or by:
            return own + by, None
        if own and not self._light_verb(noun):
            return own, None  # "their support for X" with no verb to say whose
        if noun.dep_ in ("attr", "oprd") and head.lemma_.lower() in self.lex.copulas:
            return self.subjects(head), None  # "Iran had become a safe haven for ..."
        if noun.dep_ in ("dobj", "pobj") and head.dep_ == "prep" and head.head.pos_ == "VERB":
            head = head.head  # "carried out attacks" parses as a particle; "engaged in talks" through a preposition
        if noun.dep_ in ("dobj", "nsubjpass", "pobj") and head.lemma_.lower() in self.lex.light_verbs:
            return self.subjects(head) or own, head  # "Turkey and Egypt deepened their cooperation with X"
        return [], None

    def _with_phrase(self, noun: Token) -> Token | None:
        """The verb a "with <noun>" phrase modifies, if the noun is in one."""
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "with" and head.head.pos_ in ("VERB", "AUX"):
            return head.head
        return None

    def _light_verb(self, noun: Token) -> Token | None:
        head = noun.head
        if noun.dep_ in ("dobj", "pobj") and head.dep_ == "prep" and head.head.pos_ == "VERB":
            head = head.head
        is_light = noun.dep_ in ("dobj", "nsubjpass", "pobj") and head.lemma_.lower() in self.lex.light_verbs
        return head if is_light else None

    def _noun_objects(self, noun: Token, frame: Frame, light: Token | None, subjects: list[Party]) -> list[list[Party]]:
        if family_of(frame.predicate) in ("attacks", "killings"):
            doers = {p.ref.key for p in subjects}
            targets = self._parties(c for c in noun.children if c.dep_ in ("compound", "nmod") and c.i < noun.i)
            targets = [t for t in targets if t.ref.key not in doers and (doers or not t.ref.is_actor)]
            if targets:  # "the Westgate mall attack", "blamed X for the Garissa University attack"
                return [targets]
        for role in frame.object:
            if role == "between":
                found = self._prep_objects(noun, "between")
                if len(found) < 2 and noun.dep_ == "dobj":  # "facilitated a meeting between X and Y"
                    found = self._prep_objects(noun.head, "between")
                if len(found) >= 2:
                    return [found]
                continue
            if not role.startswith("prep:"):
                continue
            preposition = role.split(":", 1)[1]
            found = self._prep_objects(noun, preposition)
            if not found and light is not None:
                found = self._prep_objects(light, preposition)
            if found:
                return [found]
        return []

    # -- role nouns: "X, the leader of Y", "Y's affiliate X", "HTS leader X", "X became Syria's president"

    def _role(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        frame = self.lex.roles[noun.lemma_.lower()]
        holders = self._role_holders(noun)
        relata = self._parties(c for c in noun.children if c.dep_ in ("poss", "compound", "nmod") and c.i < noun.i)
        relata += self._prep_objects(noun, "of")
        if not relata and noun.dep_ in ("compound", "nmod", "amod", "npadvmod"):
            # "the IRGC general Mohammad Reza Zahedi", "Hezbollah's secretary-general Hassan Nasrallah"
            relata = self._parties(
                c for c in noun.head.children if c.dep_ in ("compound", "nmod", "poss") and c.i < noun.i
            )
        holders = [h for h in holders if h.ref.key not in {r.ref.key for r in relata}]
        if frame.predicate in PERSON_ROLES:
            holders = [h for h in holders if h.ref.kind == "person"]  # leaderOf/officialOf: a person's (domain)
        for holder, relatum in self._pairs(holders, [relata]):
            yield self._proposal(frame, holder, relatum, noun, sentence, cue=f"role:{noun.lemma_.lower()}")

    def _role_holders(self, noun: Token) -> list[Party]:
        if noun.dep_ == "appos":
            return self._parties([noun.head])
        appositives = self._parties(c for c in noun.children if c.dep_ == "appos")
        if appositives:
            return appositives
        if noun.dep_ in ("compound", "nmod", "amod", "npadvmod") and noun.i < noun.head.i:
            # "HTS leader Ahmed al-Sharaa", "Hezbollah's secretary-general Hassan Nasrallah"
            holder = self.names.ref(noun.head)
            return [Party(holder, noun.head)] if holder is not None and holder.kind == "person" else []
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "as":
            head = head.head  # "served as the group's leader"
        elif noun.dep_ not in ("attr", "oprd"):
            return []
        if head.lemma_.lower() in self.lex.copulas:
            return self.subjects(head) or self._parties(c for c in head.children if c.dep_ == "nsubjpass")
        return []

    def _adjective(self, adjective: Token, sentence: Span) -> Iterator[Proposal]:
        """'X is hostile to Y', 'X remained allied with Y', 'groups loyal to Y'."""
        head = adjective.head
        if adjective.dep_ in ("acomp", "oprd"):
            subjects = self.subjects(head)
            anchor = head
        else:  # "amod" after its noun or "appos": the noun it describes
            subjects, anchor = self._parties([head]), adjective
        for frame in self.lex.adjectives[adjective.lower_]:
            objects = []
            for role in frame.object:
                found = self._prep_objects(adjective, role.split(":", 1)[1])
                if found:
                    objects = [found]
                    break
            for subject, obj in self._pairs(subjects, objects):
                yield self._proposal(frame, subject, obj, anchor, sentence, cue=f"adjective:{adjective.lower_}")

    def _based(self, token: Token, ref: Ref, sentence: Span) -> Iterator[Proposal]:
        """'Hezbollah-like groups in Y', 'the TTP in Afghanistan', 'X, based in Y': a group or organ's base."""
        heads = [token, *(c for c in token.children if c.dep_ == "acl" and c.lemma_.lower() == "base")]
        places = [
            p
            for h in heads
            for p in self._prep_objects(h, "in")
            if p.ref.kind == "place" or (p.ref.kind == "state" and p.ref.how != "agent")
        ]
        frame = Frame("basedIn", ("prep:in",), None, 0.5)
        for place in places:
            proposal = self._proposal(frame, Party(ref, token), place, token, sentence, cue="based-in")
            yield replace(proposal, place=None)

    def _anti(self, anti: Token, sentence: Span) -> Iterator[Proposal]:
        """'the anti-Taliban Northern Alliance', "ISKP's anti-Shia stance": the holder is hostile to the named one."""
        named = self.doc[anti.i + 2]
        opposed = self._party(named)
        nested = self.names.nested.get(named.idx)
        if nested is not None:  # the registry knows the whole "anti-Taliban Northern Alliance"; "Taliban" is inside it
            opposed = Party(nested, named)
        if opposed is None:
            return
        head = named
        while head.dep_ in ("compound", "amod", "nmod", "npadvmod", "punct") and head.head.i > head.i:
            head = head.head
        holder = self._party(head)
        if holder is None or holder.ref.key == opposed.ref.key:
            owners = self._parties(c for c in head.children if c.dep_ == "poss") + self._prep_objects(head, "of")
            holder = owners[0] if owners else None
        if holder is not None and holder.ref.key != opposed.ref.key and holder.ref.is_actor:
            frame = Frame("hostileTo", ("dobj",), None, 0.6)
            yield self._proposal(frame, holder, opposed, head, sentence, cue="anti-prefix")

    def _possessed(self, token: Token, ref: Ref, sentence: Span) -> Iterator[Proposal]:
        """'Pakistan's Inter-Services Intelligence', 'its Quds Force': the organ is part of its possessor;
        "Haftar's Libyan National Army": a person's group is led by that person."""
        owners = self._parties(c for c in token.children if c.dep_ == "poss")
        for owner in owners:
            if owner.ref.key == ref.key:
                continue
            if ref.kind == "organ" and owner.ref.kind in ("state", "organ", "group"):
                frame, party, other, cue = Frame("partOf", ("poss",), None, 0.6), Party(ref, token), owner, "organ"
            elif ref.kind in ("group", "organ") and owner.ref.kind == "person":
                frame, party, other, cue = Frame("leaderOf", ("poss",), None, 0.5), owner, Party(ref, token), "led"
            else:
                continue
            proposal = self._proposal(frame, party, other, token, sentence, cue=f"possessed-{cue}")
            # what an organ is part of, or who leads a group, is structure, not an event of the sentence's date
            yield replace(proposal, at=None, start_time=None, end_time=None, place=None)

    # -- parties and proposals

    def _parties(self, tokens: Iterable[Token]) -> list[Party]:
        """The entities these tokens name, each conjunct separately ("the Taliban and the TTP")."""
        found: list[Party] = []
        seen: set[str] = set()
        for token in tokens:
            for t in (token, *token.conjuncts):
                examples = self._examples(t) if self.names.ref(t) is None else []
                if examples:
                    parties = examples  # "militias such as Kataib Hezbollah", "groups like the TTP"
                elif self.names.ref(t) is None and t.lemma_.lower() in self.lex.partitives:
                    # "members of the Taliban and Al-Qaeda", "its leaders"
                    parties = self._prep_objects(t, "of") or self._parties(c for c in t.children if c.dep_ == "poss")
                    if not parties and (party := self._party(t)) is not None:
                        parties = [party]  # "Taliban envoys"
                else:
                    party = self._party(t)
                    parties = [party] if party is not None else []
                for party in [*parties, *(p for q in parties for p in _also(q))]:
                    if party.ref.key not in seen:
                        seen.add(party.ref.key)
                        found.append(party)
        return found

    def _examples(self, token: Token) -> list[Party]:
        """The named instances a common noun introduces: "such as X", "like X", "including X"."""
        preps = [
            c
            for c in token.children
            if c.dep_ == "prep"
            and (
                c.lower_ in ("like", "including") or (c.lower_ == "as" and any(g.lower_ == "such" for g in c.children))
            )
        ]
        preps += [c for c in token.children if c.dep_ == "amod" and c.lower_ == "such"]
        pobjs = [p for prep in preps for p in prep.children if p.dep_ == "pobj"]
        pobjs += [
            p for prep in preps for a in prep.children if a.lower_ == "as" for p in a.children if p.dep_ == "pobj"
        ]
        found: list[Party] = []
        for t in (t for p in pobjs for t in (p, *p.conjuncts)):
            party = self._party(t)
            # "bases such as A, and projects such as B": each example list in turn
            found += [party] if party is not None else self._examples(t)
        return found

    def _party(self, token: Token) -> Party | None:
        ref = self.names.ref(token)
        if ref is not None:
            return Party(ref, token)
        named = next((c for c in token.children if c.dep_ == "appos" and self.names.ref(c) is not None), None)
        if named is not None:  # "its intelligence service, the ISI, ..."
            return Party(self.names.refs[named.i], named)
        if token.dep_ == "appos" and self.names.ref(token.head) is not None:
            return Party(self.names.refs[token.head.i], token.head)  # "the Hazara, a minority group supported by X"
        if token.lemma_.lower() in self.lex.roles and token.tag_ not in ("NNS", "NNPS"):
            return None  # "the Taliban leader" is a person, not the Taliban; "Taliban ministers" act for it
        for child in token.children:  # "Houthi targets", "US positions"
            if child.dep_ in ("compound", "amod", "nmod") and child.i < token.i:
                ref = self.names.ref(child)
                # a demonym makes its state the party only through the state's agents ("Pakistani forces",
                # resolved with the names), not "Iraqi militias" or "Afghan refugees"
                if ref is not None and ref.how not in ("demonym", "capital"):
                    return Party(ref, child)
        return None

    def _pairs(self, subjects: list[Party], objects: list[list[Party]]) -> Iterator[tuple[Party, Party]]:
        for subject, obj in self._pairs_any(subjects, objects):
            if subject.ref.is_actor:
                yield subject, obj

    def _pairs_any(self, subjects: list[Party], objects: list[list[Party]]) -> Iterator[tuple[Party, Party]]:
        for obj_group in objects:
            for subject in subjects:
                for obj in obj_group:
                    if subject.ref.key != obj.ref.key:
                        yield subject, obj

    def _proposal(
        self, frame: Frame, subject: Party, obj: Party, anchor: Token, sentence: Span, *, cue: str
    ) -> Proposal:
        claim = self.claim(anchor, sentence)
        start, end = quote_span(self.text, sentence, anchor)
        confidence = frame.confidence
        if subject.indirect or obj.indirect:
            confidence *= INDIRECT_FACTOR
        if subject.ref.key.startswith("new:") or obj.ref.key.startswith("new:"):
            confidence *= NEW_ENTITY_FACTOR
        times = self.time(anchor, sentence)
        quantity, unit = self.quantity(obj.token)
        if quantity is None:
            quantity, unit = self._casualties(anchor)
        return Proposal(
            subject=subject.ref.key,
            predicate=frame.predicate,
            object=obj.ref.key,
            quote=self.text[start:end],
            start=start,
            end=end,
            confidence=round(confidence, 3),
            certainty=claim.certainty,
            attributed_to=claim.attributed_to,
            place=self.place(anchor),
            quantity=quantity,
            unit=unit,
            family=family_of(frame.predicate),
            cue=cue,
            **times,
        )

    # -- qualifiers

    def claim(self, anchor: Token, sentence: Span) -> Claim:
        """Certainty and attribution: negation, hedges, a reporting verb above, 'according to X'."""
        certainty: str | None = None
        modal = False
        sources: list[str] = []
        if any(c.dep_ == "neg" for c in anchor.children):
            certainty = "denied"
        for word in (anchor, *anchor.ancestors):
            if word is not anchor and _semicolon_between(anchor, word):
                break  # "A; B is expected": the parser hangs A under B, the writer did not
            hedge = next(
                (
                    self.lex.hedges[c.lower_]
                    for c in word.children
                    if c.dep_ in ("advmod", "aux") and c.lower_ in self.lex.hedges
                ),
                None,
            )
            if hedge is not None and certainty is None:
                certainty, modal = hedge, hedge_is_modal(word, self.lex)
            if word is not anchor and word.lemma_.lower() in self.lex.reporting and word.pos_ == "VERB":
                if certainty is None or (modal and certainty != "denied"):
                    # "analysts argue that X may ...": the writer's verb judges, the modal is inside the judgement
                    certainty = self.lex.reporting[word.lemma_.lower()]
                if any(c.dep_ == "neg" for c in word.children) and certainty != "denied":
                    certainty = "denied"
                sources = [p.ref.key for p in self.subjects(word) if p.ref.is_actor]
                break
        for token in sentence:
            if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
                sources += [p.ref.key for p in self._prep_objects(token, "to") if p.ref.key not in sources]
                certainty = certainty or "reported"
        if sources and certainty in (None, "stated"):
            certainty = "reported"
        return Claim(certainty or "stated", tuple(dict.fromkeys(sources)))

    def time(self, anchor: Token, sentence: Span) -> dict[str, str]:
        """at / start_time / end_time from the clause's date, else the sentence's only (or opening) date."""
        dates = [e for e in sentence.ents if e.label_ == "DATE" and YEAR.search(e.text)]
        own_clause = anchor if anchor.pos_ in ("VERB", "AUX") else _clause_of(anchor)
        in_clause = [d for d in dates if d.root.head == anchor or _clause_of(d.root) == own_clause]
        # a date inside another clause ("X, which joined Y in 2012, controls Z") is not this clause's
        dates = [d for d in dates if d in in_clause or _clause_of(d.root) in (anchor, *anchor.ancestors)]
        if not dates:
            return {}
        chosen = (
            in_clause[0] if in_clause else dates[0] if len(dates) == 1 or dates[0].start == sentence.start + 1 else None
        )
        if chosen is None:
            return {}
        if chosen.root.head.lower_ == "between":  # "between November 2023 and April 2024"
            until = next((d for d in sentence.ents if d.label_ == "DATE" and d.root.head == chosen.root), None)
            if until is not None and until.root.dep_ == "conj":
                return {"start_time": date_qualifiers(chosen).get("at", ""), "end_time": date_qualifiers(until)["at"]}
        return date_qualifiers(chosen)

    def place(self, anchor: Token) -> str | None:
        for prep in (c for c in anchor.children if c.dep_ == "prep" and c.lower_ in PLACE_PREPOSITIONS):
            for party in self._parties(p for p in prep.children if p.dep_ == "pobj"):
                if party.ref.kind == "place" or (party.ref.how == "name" and party.ref.kind == "state"):
                    return party.ref.key
        return None

    def _casualties(self, anchor: Token) -> tuple[int | None, str | None]:
        """'attacked X on 7 October, killing about 1,200 people': the count of a participle the act caused."""
        for child in anchor.children:
            frames = self.lex.verbs.get(child.lemma_.lower(), ())
            if child.dep_ in ("advcl", "conj", "xcomp") and any(f.predicate == "kills" for f in frames):
                for obj in (c for c in child.children if c.dep_ == "dobj"):
                    value, noun = self.quantity(obj)
                    if value is not None:
                        return value, f"{noun} killed"
        return None, None

    def quantity(self, token: Token) -> tuple[int | None, str | None]:
        """'killed at least 54 people', 'three US soldiers': the number on the object noun."""
        noun = token if token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound" else token.head
        for child in noun.children:
            if child.dep_ == "nummod":
                value = number(child.text)
                if value is not None:
                    return value, noun.lower_
        return None, None


def date_qualifiers(date: Span) -> dict[str, str]:
    """'December 2022' -> at 2022-12; 'since October 2023' -> start; 'the 1990s' -> 1990-1999; 'until 2021' -> end."""
    years = YEAR.findall(date.text)
    head = date.root.head if date.root.dep_ == "pobj" else None
    preposition = head.lower_ if head is not None else ""
    if len(years) >= 2 and (preposition in ("between", "from") or "-" in date.text or "–" in date.text):
        return {"start_time": years[0][0], "end_time": years[1][0]}
    year, decade = years[0]
    if decade:
        return {"start_time": year, "end_time": str(int(year) + 9)}
    value = year
    month = next((MONTHS[w.lower()] for w in re.findall(r"[A-Za-z]+", date.text) if w.lower() in MONTHS), None)
    if month is not None:
        value = f"{year}-{month:02d}"
    if preposition in START_PREPOSITIONS:
        return {"start_time": value}
    if preposition in END_PREPOSITIONS:
        return {"end_time": value}
    return {"at": value}


def number(text: str) -> int | None:
    cleaned = text.replace(",", "").lower()
    if cleaned.isdigit():
        return int(cleaned)
    return NUMBER_WORDS.get(cleaned)


def quote_span(text: str, sentence: Span, anchor: Token) -> tuple[int, int]:
    """The sentence's offsets, cut to the line that holds the anchor (spaCy may join a heading to a sentence)."""
    start, end = sentence.start_char, sentence.end_char
    line_start = text.rfind("\n", start, anchor.idx) + 1
    if line_start > start:
        start = line_start
    line_end = text.find("\n", anchor.idx, end)
    if line_end != -1:
        end = line_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _also(party: Party) -> list[Party]:
    """The other members of a coordination a plural pronoun stands for."""
    return [Party(Ref(key, party.ref.kind, "coref"), party.token) for key in party.ref.also]


def hedge_is_modal(word: Token, lexicon: Lexicon) -> bool:
    """Is the hedge on this word a modal auxiliary ("may", "will") rather than an adverb ("reportedly")?"""
    return any(c.dep_ == "aux" and c.lower_ in lexicon.hedges for c in word.children) and not any(
        c.dep_ == "advmod" and c.lower_ in lexicon.hedges for c in word.children
    )


def _clause_of(token: Token) -> Token:
    """The verb whose clause a token is in (the sentence root when there is none)."""
    top = token
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
        top = ancestor
    return top  # the sentence root (Token.sent would walk the whole document)


def _semicolon_between(a: Token, b: Token) -> bool:
    lo, hi = sorted((a.i, b.i))
    return any(t.text == ";" for t in a.doc[lo:hi])


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children)
    )


def _name_root(token: Token, names: Names) -> Token:
    """The head of the multi-word name this token belongs to."""
    ref = names.ref(token)
    while token.head is not token and names.ref(token.head) == ref and token.dep_ in ("compound", "flat", "nmod"):
        token = token.head
    return token


def dedupe(proposals: list[Proposal]) -> list[Proposal]:
    """One proposal per (sentence, predicate, pair); symmetric families in either order; the most confident wins."""
    best: dict[tuple[object, ...], Proposal] = {}
    for p in proposals:
        pair: tuple[str, ...] = (p.subject, p.object)
        if p.family in SYMMETRIC:
            pair = tuple(sorted(pair))
        key = (p.start, p.predicate, *pair)
        if key not in best or p.confidence > best[key].confidence:
            best[key] = p
    return sorted(best.values(), key=lambda p: (p.start or 0, p.subject, p.predicate, p.object))
