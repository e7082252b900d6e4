"""Noun frames: nominalisations, role nouns, possessed organs, a group's base and "anti-X".

- nominalisations ("Pakistan's support for the Taliban", "US strikes on X", "the bombing of a
  rally by X", "launched air strikes on X": the light verb's subject is the noun's);
- role nouns ("JNIM, al-Qaeda's affiliate", "HTS leader X", "X became Syria's president");
- possessed organs ("Pakistan's Inter-Services Intelligence", "its Quds Force": part of);
- "X in Y" for a group or organ (based in), "the anti-Taliban Northern Alliance" (hostile to).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.extract.arguments import ArgumentReader, Party
from actorgraph.graph.extract.base import Proposal
from actorgraph.graph.extract.families import SYMMETRIC, family_of
from actorgraph.graph.extract.lexicon import Frame, Lexicon
from actorgraph.graph.extract.name_refs import Names, Ref
from actorgraph.graph.extract.qualifiers import Qualifiers
from actorgraph.graph.extract.verb_frames import SUPPORT_FAMILIES

PERSON_ROLES = frozenset({"leaderOf", "officialOf"})
ACCUSING = frozenset({"blame", "accuse", "suspect", "charge", "credit"})


class NounFrames:
    """Proposals from nouns: nominalisations, role nouns, possessed organs, bases and "anti-" prefixes."""

    def __init__(
        self, doc: Doc, names: Names, lexicon: Lexicon, arguments: ArgumentReader, qualifiers: Qualifiers
    ) -> None:
        self.doc = doc
        self.names = names
        self.lex = lexicon
        self.args = arguments
        self.qualifiers = qualifiers

    def noun(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        """A nominalisation: its doer from a possessor, a name before it, "by X" or a light verb; its object
        from its prepositions."""
        subjects, light = self._noun_subjects(noun)
        receiving = light is not None and light.lemma_.lower() in self.lex.receiving_verbs
        for frame in self.lex.nouns[noun.lemma_.lower()]:
            objects = self._noun_objects(noun, frame, light, subjects)
            if receiving:  # "X received support from Y": Y supports X
                givers = self.args.prep_objects(light, "from", include_dobj=True) if light is not None else []
                objects, subjects = [subjects] if subjects else [], givers
            helped = self._with_phrase(noun)
            if family_of(frame.predicate) in SUPPORT_FAMILIES and not objects and helped is not None:
                # "With Iranian backing, the Houthis ...", "the TTP, with support from Iran, ...": the
                # clause's subject is helped by whoever the noun names
                subjects = subjects or self.args.prep_objects(noun, "from")
                objects = [self.args.subjects(helped)]
            if not subjects and objects and len(objects[0]) >= 2 and "between" in frame.object:
                first, *rest = objects[0]  # "tensions between X and Y"
                subjects, objects = [first], [rest]
            if len(subjects) >= 2 and not objects and family_of(frame.predicate) in SYMMETRIC:
                first, *rest = subjects  # "Afghanistan-Iran cooperation", "US-Taliban talks"
                subjects, objects = [first], [rest]
            for subject, obj in self.args.pairs(subjects, objects):
                anchor = light if light is not None else noun
                yield self.qualifiers.proposal(frame, subject, obj, anchor, sentence, cue=f"noun:{noun.lemma_.lower()}")
            if subjects or objects:
                break

    def _noun_subjects(self, noun: Token) -> tuple[list[Party], Token | None]:
        modifiers = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i < noun.i]
        # "Afghanistan-Iran cooperation": the first name hangs on the second through the hyphen
        modifiers += [g for m in modifiers for g in m.children if g.dep_ == "compound" and g.nbor().text == "-"]
        own = self.args.parties(modifiers)
        own = [p for p in own if p.ref.is_actor]  # "the Garissa University attack": a place is no doer
        by = self.args.prep_objects(noun, "by")
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_.lower() == "responsibility":
            # "X claimed responsibility for the bombing of Y": X did it, by its own claim (the verb above says so)
            owner = head.head.head
            return (self.args.subjects(owner) if owner.pos_ in ("VERB", "AUX") else []), None
        if noun.dep_ == "pobj" and head.lower_ in ("for", "of") and head.head.lemma_.lower() in ACCUSING:
            # "blamed X for the attack", "accused X of the killing": X is the noun's doer
            return self.args.parties(c for c in head.head.children if c.dep_ in ("dobj", "nsubjpass")), None
        if (own and not all(p.indirect for p in own)) or by:
            return own + by, None
        if own and not self._light_verb(noun):
            return own, None  # "their support for X" with no verb to say whose
        if noun.dep_ in ("attr", "oprd") and head.lemma_.lower() in self.lex.copulas:
            return self.args.subjects(head), None  # "Iran had become a safe haven for ..."
        if noun.dep_ in ("dobj", "pobj") and head.dep_ == "prep" and head.head.pos_ == "VERB":
            head = head.head  # "carried out attacks" parses as a particle; "engaged in talks" through a preposition
        if noun.dep_ in ("dobj", "nsubjpass", "pobj") and head.lemma_.lower() in self.lex.light_verbs:
            return self.args.subjects(head) or own, head  # "Turkey and Egypt deepened their cooperation with X"
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
            targets = self.args.parties(c for c in noun.children if c.dep_ in ("compound", "nmod") and c.i < noun.i)
            targets = [t for t in targets if t.ref.key not in doers and (doers or not t.ref.is_actor)]
            if targets:  # "the Westgate mall attack", "blamed X for the Garissa University attack"
                return [targets]
        for role in frame.object:
            if role == "between":
                found = self.args.prep_objects(noun, "between")
                if len(found) < 2 and noun.dep_ == "dobj":  # "facilitated a meeting between X and Y"
                    found = self.args.prep_objects(noun.head, "between")
                if len(found) >= 2:
                    return [found]
                continue
            if not role.startswith("prep:"):
                continue
            preposition = role.split(":", 1)[1]
            found = self.args.prep_objects(noun, preposition)
            if not found and light is not None:
                found = self.args.prep_objects(light, preposition)
            if found:
                return [found]
        return []

    # -- role nouns: "X, the leader of Y", "Y's affiliate X", "HTS leader X", "X became Syria's president"

    def role(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        """A role noun: who holds the role (apposition, compound, copula) and of whom."""
        frame = self.lex.roles[noun.lemma_.lower()]
        holders = self._role_holders(noun)
        relata = self.args.parties(c for c in noun.children if c.dep_ in ("poss", "compound", "nmod") and c.i < noun.i)
        relata += self.args.prep_objects(noun, "of")
        if not relata and noun.dep_ in ("compound", "nmod", "amod", "npadvmod"):
            # "the IRGC general Mohammad Reza Zahedi", "Hezbollah's secretary-general Hassan Nasrallah"
            relata = self.args.parties(
                c for c in noun.head.children if c.dep_ in ("compound", "nmod", "poss") and c.i < noun.i
            )
        holders = [h for h in holders if h.ref.key not in {r.ref.key for r in relata}]
        if frame.predicate in PERSON_ROLES:
            holders = [h for h in holders if h.ref.kind == "person"]  # leaderOf/officialOf: a person's (domain)
        for holder, relatum in self.args.pairs(holders, [relata]):
            yield self.qualifiers.proposal(frame, holder, relatum, noun, sentence, cue=f"role:{noun.lemma_.lower()}")

    def _role_holders(self, noun: Token) -> list[Party]:
        if noun.dep_ == "appos":
            return self.args.parties([noun.head])
        appositives = self.args.parties(c for c in noun.children if c.dep_ == "appos")
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
            return self.args.subjects(head) or self.args.parties(c for c in head.children if c.dep_ == "nsubjpass")
        return []

    def based(self, token: Token, ref: Ref, sentence: Span) -> Iterator[Proposal]:
        """'Hezbollah-like groups in Y', 'the TTP in Afghanistan', 'X, based in Y': a group or organ's base."""
        heads = [token, *(c for c in token.children if c.dep_ == "acl" and c.lemma_.lower() == "base")]
        places = [
            p
            for h in heads
            for p in self.args.prep_objects(h, "in")
            if p.ref.kind == "place" or (p.ref.kind == "state" and p.ref.how != "agent")
        ]
        frame = Frame("basedIn", ("prep:in",), None, 0.5)
        for place in places:
            proposal = self.qualifiers.proposal(frame, Party(ref, token), place, token, sentence, cue="based-in")
            yield replace(proposal, place=None)

    def anti(self, anti: Token, sentence: Span) -> Iterator[Proposal]:
        """'the anti-Taliban Northern Alliance', "ISKP's anti-Shia stance": the holder is hostile to the named one."""
        named = self.doc[anti.i + 2]
        opposed = self.args.party(named)
        nested = self.names.nested.get(named.idx)
        if nested is not None:  # the registry knows the whole "anti-Taliban Northern Alliance"; "Taliban" is inside it
            opposed = Party(nested, named)
        if opposed is None:
            return
        head = named
        while head.dep_ in ("compound", "amod", "nmod", "npadvmod", "punct") and head.head.i > head.i:
            head = head.head
        holder = self.args.party(head)
        if holder is None or holder.ref.key == opposed.ref.key:
            owners = self.args.parties(c for c in head.children if c.dep_ == "poss") + self.args.prep_objects(
                head, "of"
            )
            holder = owners[0] if owners else None
        if holder is not None and holder.ref.key != opposed.ref.key and holder.ref.is_actor:
            frame = Frame("hostileTo", ("dobj",), None, 0.6)
            yield self.qualifiers.proposal(frame, holder, opposed, head, sentence, cue="anti-prefix")

    def possessed(self, token: Token, ref: Ref, sentence: Span) -> Iterator[Proposal]:
        """'Pakistan's Inter-Services Intelligence', 'its Quds Force': the organ is part of its possessor;
        "Haftar's Libyan National Army": a person's group is led by that person."""
        owners = self.args.parties(c for c in token.children if c.dep_ == "poss")
        for owner in owners:
            if owner.ref.key == ref.key:
                continue
            if ref.kind == "organ" and owner.ref.kind in ("state", "organ", "group"):
                frame, party, other, cue = Frame("partOf", ("poss",), None, 0.6), Party(ref, token), owner, "organ"
            elif ref.kind in ("group", "organ") and owner.ref.kind == "person":
                frame, party, other, cue = Frame("leaderOf", ("poss",), None, 0.5), owner, Party(ref, token), "led"
            else:
                continue
            proposal = self.qualifiers.proposal(frame, party, other, token, sentence, cue=f"possessed-{cue}")
            # what an organ is part of, or who leads a group, is structure, not an event of the sentence's date
            yield replace(proposal, at=None, start_time=None, end_time=None, place=None)
