"""Verb frames: who does what to whom with a verb the lexicon knows, a participle ("Iran-backed"), or an
adjective of relation ("hostile to", "allied with").

The subject is ``nsubj`` (the ``agent`` of a passive, "was killed by X"), the object ``dobj``,
``dative``, the object of a named preposition or "between X and Y"; coordinated verbs share their
object; the object's word class picks a transfer verb's reading ("supplied money, missiles and
training" funds, arms and trains).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.extract.arguments import ArgumentReader, Party, is_passive
from actorgraph.graph.extract.base import Proposal
from actorgraph.graph.extract.families import SYMMETRIC, family_of
from actorgraph.graph.extract.lexicon import Frame, Lexicon
from actorgraph.graph.extract.qualifiers import Qualifiers

SUPPORT_FAMILIES = frozenset({"support", "funding", "arming", "hosting"})
ACTOR_ONLY = frozenset({"meetings", "negotiations"})  # families whose other party must be an actor
# Verbs that say a relation noun happens, which the small pipeline may parse as a participle on the noun
# ("tensions escalated between X and Y" as "tensions [that] escalated"); a real participle ("the agreement
# signed between X and Y") names a document, not the relation
HAPPENING = frozenset(
    {"escalate", "erupt", "break", "flare", "intensify", "worsen", "grow", "rise", "continue", "resume", "begin",
     "start", "emerge", "deepen", "mount", "persist", "increase", "develop", "simmer", "spread"}
)  # fmt: skip
# Verbs that lay an act at someone's door: "X blamed the bombing on Y", "the killing was pinned on Y"
BLAMING = frozenset({"blame", "pin"})
# Verbs that bring the parties they name together: "X presented A and B with evidence", "X convened A and B"
# (A and B were in one room, so they met each other too)
BRINGING_TOGETHER = frozenset({"present", "brief", "summon", "convene", "gather", "assemble"})
# Nouns of what an actor does: backing one backs the actor ("backed the LNA's campaign")
ACTIVITIES = frozenset(
    {"campaign", "effort", "operation", "deployment", "mission", "struggle", "insurgency", "rebellion", "uprising",
     "cause", "bid", "drive", "push", "intervention", "war", "fight", "offensive", "resistance"}
)  # fmt: skip
# Nouns spelt like a lexicon verb that name a thing, not the act: "a host of challenges", "the group's back"
NOT_NOMINAL = frozenset({"host", "back", "list", "train", "lead", "found", "fund", "target", "control", "direct",
                         "present", "brief", "pay", "side", "prop", "shell", "fire", "hit", "help", "get"})  # fmt: skip
# How a nominalisation's noun ends against its verb: "enlistment" enlist, "mobilisation" mobilise, "abduction"
# abduct, "execution" execute; only read when the lexicon has the verb and no noun entry of its own
NOMINAL_ENDINGS = (
    ("ment", ""), ("isation", "ise"), ("ization", "ize"), ("ation", "ate"), ("ion", ""), ("ion", "e"), ("ing", ""),
    ("ing", "e"),
)  # fmt: skip


class VerbFrames:
    """Proposals from verbs, participles and adjectives of relation."""

    def __init__(self, doc: Doc, lexicon: Lexicon, arguments: ArgumentReader, qualifiers: Qualifiers) -> None:
        self.doc = doc
        self.lex = lexicon
        self.args = arguments
        self.qualifiers = qualifiers

    def verb(
        self, verb: Token, sentence: Span, lemma: str | None = None, body: Token | None = None
    ) -> Iterator[Proposal]:
        """A verb the lexicon knows: each of its frames, its subjects against the objects the frame's roles find.

        ``lemma`` and ``body`` serve a verb the parser took for an auxiliary ("jets struck suspected hideouts"
        as "struck" the auxiliary of "suspected"): its lemma, and the word that holds its objects.
        """
        body = body if body is not None else verb
        if (lemma or verb.lemma_.lower()) in BLAMING:
            yield from self._blamed(verb, sentence)
        subjects = self.args.subjects(verb) or (self.args.subjects(body) if body is not verb else [])
        if not subjects:
            return
        companions = self.args.companions(verb, subjects)  # "X, along with Y, ...": Y does it too
        if joins_in(verb):
            return  # "X joined Y in attacking Z" says who attacked, not that X is a member of Y
        themed = False  # the general reading of a transfer verb only when no themed one applied
        for frame in self.lex.verbs[lemma or verb.lemma_.lower()]:
            if frame.theme is not None and not self._theme_matches(body, frame):
                continue
            if frame.theme is None and themed:
                continue
            themed = themed or frame.theme is not None
            objects = self._objects(body, frame)
            if not objects and len(subjects) >= 2 and self._reciprocal(body, frame):
                first, *rest = subjects  # "the RSF and the SAF clashed", "X and Y met in Doha"
                subjects, objects = [first], [rest]
            doers = subjects + companions if objects and len(objects[0]) else subjects
            if frame.reverse:  # "X received weapons from Y": Y arms X
                pairs = [(o, s) for s, o in self.args.pairs_any(doers, objects)]
            else:
                pairs = list(self.args.pairs(doers, objects))
            for subject, obj in pairs:
                if family_of(frame.predicate) in ACTOR_ONLY | SUPPORT_FAMILIES:
                    obj = self.args.as_state(obj)
                if family_of(frame.predicate) in ACTOR_ONLY and not obj.ref.is_actor:
                    continue  # "sent a delegation to Kabul" meets no one if Kabul is read as the city
                if (
                    family_of(frame.predicate) in SUPPORT_FAMILIES
                    and obj.ref.kind == "place"
                    and "dobj" not in frame.object
                ):
                    continue  # "recruited fighters for Idlib": a place is where, not whom, a patron helps
                if subject.ref.is_actor:
                    yield self.qualifiers.proposal(
                        frame, subject, obj, verb, sentence, cue=f"verb:{lemma or verb.lemma_.lower()}"
                    )
            if objects and (lemma or verb.lemma_.lower()) in BRINGING_TOGETHER:
                yield from self._brought_together(objects[0], verb, sentence)

    def _blamed(self, verb: Token, sentence: Span) -> Iterator[Proposal]:
        """'X blamed the bombing of Y on Z', 'the assassination of Y was blamed on Z': Z did it, as X alleges."""
        for event in (c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")):
            frame = self._violence(event)
            if frame is None:
                continue
            of = [p for c in event.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children]
            of = [p for p in of if p.dep_ == "pobj"]
            # "on Z" hangs on the verb, the event noun or the last noun of its "of" phrase
            doers = [p for h in (verb, event, *of) for p in self.args.prep_objects(h, "on") if p.ref.is_actor]
            victims = [p for p in self.args.parties(of) if p.ref.is_actor]
            claimants = [] if is_passive(verb) else [p.ref.key for p in self.args.subjects(verb) if p.ref.is_actor]
            for subject, obj in self.args.pairs(doers, [victims]):
                proposal = self.qualifiers.proposal(frame, subject, obj, verb, sentence, cue="blamed-on")
                yield replace(proposal, certainty="alleged", attributed_to=tuple(claimants))

    def _violence(self, noun: Token) -> Frame | None:
        """The attack or killing frame of an event noun ("bombing", "assassination", "abduction"), if it is one."""
        lemma = noun.lemma_.lower()
        verb = self._verb_of(lemma)
        frames = self.lex.nouns.get(lemma) or (self.lex.verbs[verb] if verb is not None else ())
        return next((f for f in frames if family_of(f.predicate) in ("attacks", "killings")), None)

    def _brought_together(self, parties: list[Party], verb: Token, sentence: Span) -> Iterator[Proposal]:
        """'X presented A and B with evidence': A and B met each other there."""
        objects = [t for c in verb.children if c.dep_ == "dobj" for t in (c, *c.conjuncts)]
        # only its direct objects: "convened talks between A and B" says they negotiated, which the noun reads
        present = [p for p in parties if p.ref.is_actor and p.token in objects]
        if len(present) < 2 or "meet" not in self.lex.verbs:
            return
        first, *rest = present
        meeting = self.lex.verbs["meet"][0]
        for subject, obj in self.args.pairs([first], [rest]):
            yield self.qualifiers.proposal(meeting, subject, obj, verb, sentence, cue="brought-together")

    def _objects(self, verb: Token, frame: Frame) -> list[list[Party]]:
        """For each role of the frame in order, the parties found there; the first role that has any wins."""
        for role in frame.object:
            if role == "dobj":
                if verb.dep_ == "acl" and verb.tag_ == "VBN":
                    found = self.args.parties([verb.head]) if is_passive(verb) and not frame.theme else []
                elif is_passive(verb):
                    found = self.args.passive_subjects(verb)  # through coordination: "X was funded and armed by Y"
                else:
                    found = self.args.parties(c for c in verb.children if c.dep_ == "dobj")
                    found += self._behind_object(verb, frame, found)
                    if not found and not any(c.dep_ == "dobj" for c in verb.children):
                        # "funded and armed the Taliban": the object after the last conjunct is shared
                        found = self.args.parties(c for v in verb.conjuncts for c in v.children if c.dep_ == "dobj")
            elif role == "dative":
                datives = [c for c in verb.children if c.dep_ == "dative"]
                found = self.args.parties(c for c in datives if c.pos_ != "ADP")
                # "sent a delegation to X" may parse "to" itself as the dative
                pobjs = [p for c in datives if c.pos_ == "ADP" for p in c.children if p.dep_ == "pobj"]
                found += self.args.parties(pobjs)
                found += self.args.prep_objects(verb, "to", include_dobj=True)
            elif role == "between":
                between = self.args.prep_objects(verb, "between", include_dobj=True)
                if len(between) >= 2:
                    return [between]
                continue
            else:
                found = self.args.prep_objects(verb, role.split(":", 1)[1], include_dobj=True)
            if found:
                return [found]
        return []

    def _behind_object(self, verb: Token, frame: Frame, found: list[Party]) -> list[Party]:
        """The party behind a direct object that names none: whose activity a patron backs ("backed the LNA's
        campaign", "funded the Rwandan deployment"). Not where an attack went: "struck rebel positions in X" hit
        the rebels, not X."""
        family = family_of(frame.predicate)
        if family not in SUPPORT_FAMILIES or family == "hosting":
            return []  # "hosted US-Taliban talks" hosts neither side
        known = {p.ref.key for p in found}
        behind: list[Party] = []
        for obj in (t for c in verb.children if c.dep_ == "dobj" for t in (c, *c.conjuncts)):
            if self.args.names.ref(obj) is not None or self.args.party(obj) is not None:
                continue
            if self._is_activity(obj):
                doers = [c for c in obj.children if c.dep_ in ("poss", "compound", "amod") and c.i < obj.i]
                behind += [p for p in self.args.parties(doers) if p.ref.is_actor]
        unique: list[Party] = []
        for party in behind:
            if party.ref.key not in known:
                known.add(party.ref.key)
                unique.append(party)
        return unique

    def _is_activity(self, noun: Token) -> bool:
        """A noun naming what an actor does ("campaign", "deployment", "offensive"), so backing it backs the actor."""
        entry = self.lex.nouns.get(noun.lemma_.lower()) or self.lex.nouns.get(noun.lower_)
        if entry:  # "backed the KIA's talks with Y" backs no one side of them
            return family_of(entry[0].predicate) not in SYMMETRIC
        return noun.lemma_.lower() in ACTIVITIES or self._verb_of(noun.lemma_.lower()) is not None

    def _reciprocal(self, verb: Token, frame: Frame) -> bool:
        """A symmetric verb with coordinated subjects and no object of its own, or "each other"."""
        if family_of(frame.predicate) not in SYMMETRIC:
            return False
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        return all(o.lower_ in ("other", "another") for o in objects)

    def _theme_matches(self, verb: Token, frame: Frame) -> bool:
        themes = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        if "dobj" in frame.object:
            # when the direct object receives, the thing given comes with "with": "supplied X with drones"
            themes += [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "with" for p in c.children]
        if verb.dep_ == "acl":
            themes.append(verb.head)  # "the threat posed by X to Y"
        words = [w for t in themes for w in (t, *t.conjuncts)]
        words += [c for w in words for c in w.children if c.dep_ == "compound"]  # "hosted President X" (a visitor)
        return any(self.lex.in_theme(frame.theme, w.lemma_) for w in words)

    def events(self, token: Token, sentence: Span) -> Iterator[Proposal]:
        """Event constructions the sentence reader's other branches do not start (its one hook for them):
        nominalisations of lexicon verbs and "X in the war against Y"."""
        if token.pos_ == "NOUN":
            yield from self.nominal(token, sentence)
            yield from self.in_war(token, sentence)

    def nominal(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        """'Iran's enlistment of Afghan fighters into X', 'the abduction of X by Y', 'carried out an assault on X',
        'fighting between X and Y': the noun of a lexicon verb. Its doer is the possessor, a name before it, "by X"
        or the subject of a light verb governing it; its direct object comes after "of" (or "on"/"against" for an
        attack, "to" for a visit)."""
        lemma = noun.lemma_.lower()
        verb = self._verb_of(lemma)
        if verb is None or noun.lower_ in self.lex.nouns or self.args.names.ref(noun) is not None:
            return  # "talks" (lemma "talk"): the noun frames' own entry, read or deliberately left by them
        doers = self._nominal_doers(noun)
        for frame in self.lex.verbs[verb]:
            if frame.theme is not None or frame.reverse:
                continue  # a transfer's reading needs its verb's object; "of" does not carry the theme
            objects = self._nominal_objects(noun, frame)
            subjects = doers
            if not subjects and family_of(frame.predicate) in SYMMETRIC:
                between = [p for p in self.args.prep_objects(noun, "between") if p.ref.is_actor]
                if len(between) >= 2:  # "fighting between X and Y"
                    subjects, objects = between[:1], [between[1:]]
            for subject, obj in self.args.pairs(subjects, objects):
                yield self.qualifiers.proposal(frame, subject, obj, noun, sentence, cue=f"nominal:{lemma}")
            if objects:
                return

    def _nominal_doers(self, noun: Token) -> list[Party]:
        modifiers = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i < noun.i]
        doers = [p for p in self.args.parties(modifiers) + self.args.prep_objects(noun, "by") if p.ref.is_actor]
        head = noun.head
        if not doers and noun.dep_ == "dobj" and head.lemma_.lower() in self.lex.light_verbs:
            doers = self.args.subjects(head)  # "the insurgents carried out an assault on X"
        return doers

    def _verb_of(self, noun: str) -> str | None:
        """The lexicon verb a noun nominalises ("enlistment", "fighting") or is ("assault"), when the lexicon has no
        reading of the noun itself."""
        if noun in self.lex.nouns or noun in NOT_NOMINAL:
            return None  # "attack", "support": the noun frames read it
        if noun in self.lex.verbs:
            return noun
        for ending, replacement in NOMINAL_ENDINGS:
            if noun.endswith(ending) and len(noun) > len(ending) + 2:
                verb = noun[: -len(ending)] + replacement
                if verb in self.lex.verbs:
                    return verb
        return None

    def _nominal_objects(self, noun: Token, frame: Frame) -> list[list[Party]]:
        """The frame's roles on the noun: the direct object after "of" (an attack's also after "on"/"against", a
        visit's after "to"), a preposition on the noun or on what "of" names ("enlistment of fighters into X")."""
        of = [p for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
        family = family_of(frame.predicate)
        holders = [noun]
        if noun.dep_ == "dobj" and noun.head.lemma_.lower() in self.lex.light_verbs:
            holders.append(noun.head)  # "carried out an assault on X" may hang "on X" on the verb
        for role in frame.object:
            if role == "dobj":
                found = self.args.parties(of)
                if family in ("attacks", "killings"):
                    found += [p for h in holders for prep in ("on", "against") for p in self.args.prep_objects(h, prep)]
                elif family in ACTOR_ONLY:
                    found += self.args.prep_objects(noun, "to")
            elif role.startswith("prep:"):
                preposition = role.split(":", 1)[1]
                found = [p for h in (noun, *of) for p in self.args.prep_objects(h, preposition)]
            else:
                continue
            found = [p for p in found if p.ref.is_actor or (family == "attacks" and p.ref.kind == "place")]
            if found:
                return [found]
        return []

    def in_war(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        """'Iran's support for Russia in the war against Ukraine', 'X's mercenaries in the war against Y': the side
        the "in" phrase hangs on fights the one after "against"."""
        frames = [f for f in self.lex.nouns.get(noun.lemma_.lower(), ()) if "prep:against" in f.object]
        if not frames or noun.dep_ != "pobj" or noun.head.lower_ != "in" or noun.head.dep_ != "prep":
            return
        if any(c.dep_ == "poss" for c in noun.children):
            return  # "in their war against Y": the noun frames read its possessor
        targets = [p for p in self.args.prep_objects(noun, "against") if p.ref.is_actor]
        if not targets and self.args.names.ref(noun) is not None:  # the registry names the war: its parties inside
            against = [p for c in noun.children if c.dep_ == "prep" and c.lower_ == "against" for p in c.children]
            targets = [p for p in self.args.nested(t for t in against if t.dep_ == "pobj") if p.ref.is_actor]
        sides = [p for p in self._side_of(noun.head.head) if p.ref.is_actor]
        for subject, obj in self.args.pairs(sides, [targets]):
            yield self.qualifiers.proposal(frames[0], subject, obj, noun, sentence, cue="in-war-against")

    def _side_of(self, holder: Token) -> list[Party]:
        """Who fights, from the word the "in the war" phrase hangs on: an actor; what a support word helps;
        a verb's subject; a noun's possessor ("Eritrea's deployment of troops in the war")."""
        named = self.args.parties([holder])
        if named:
            return named
        lemma = holder.lemma_.lower()
        if holder.pos_ == "NOUN" and lemma in self.lex.nouns:
            frame = self.lex.nouns[lemma][0]
            if family_of(frame.predicate) in SUPPORT_FAMILIES:  # "support for Russia in the war against Y"
                return [p for r in frame.object if r.startswith("prep:") for p in self.args.prep_objects(holder, r[5:])]
        if holder.pos_ == "VERB":
            frames = self.lex.verbs.get(lemma, ())
            if frames and family_of(frames[0].predicate) in SUPPORT_FAMILIES:  # "backed Russia in the war"
                return self.args.parties(c for c in holder.children if c.dep_ == "dobj")
            return self.args.subjects(holder)
        if holder.pos_ == "NOUN":
            return self.args.parties(c for c in holder.children if c.dep_ == "poss")
        return []

    def inside_name(self, verb: Token, sentence: Span) -> Iterator[Proposal]:
        """A registry name that is a description with a verb ("forces trained by NATO", "proxy groups fighting
        against the US"): the name's holder and the registry names nested in it, as the verb relates them."""
        names = self.args.names
        if verb.dep_ != "acl" or names.ref(verb) is None or names.ref(verb.head) != names.ref(verb):
            return
        holder = self.args.parties([verb.head])
        agents = [c for c in verb.children if c.dep_ == "agent"]
        for frame in self.lex.verbs[verb.lemma_.lower()][:1]:
            if agents and verb.tag_ == "VBN":  # "trained by NATO": NATO does it to the holder
                doers = self.args.nested(p for a in agents for p in a.children if p.dep_ == "pobj")
                pairs = list(self.args.pairs(doers, [holder]))
            else:  # "fighting against the US": the holder does it
                pairs = list(self.args.pairs(holder, [self._nested_objects(verb, frame)]))
            for subject, obj in pairs:
                if subject.ref.is_actor and obj.ref.is_actor:
                    yield self.qualifiers.proposal(frame, subject, obj, verb, sentence, cue="in-name")

    def _nested_objects(self, verb: Token, frame: Frame) -> list[Party]:
        tokens = [c for c in verb.children if c.dep_ == "dobj" and "dobj" in frame.object]
        for child in verb.children:
            if child.dep_ == "prep" and f"prep:{child.lower_}" in frame.object:
                tokens.extend(p for p in child.children if p.dep_ == "pobj")
        return self.args.nested(tokens)

    def happening(self, verb: Token, sentence: Span) -> Iterator[Proposal]:
        """'Tensions escalated between X and Y', 'clashes broke out between X and Y', 'talks were held between
        X and Y': a relation noun as the subject of a verb that carries its "between" phrase."""
        nouns = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if verb.dep_ == "acl" and verb.lemma_.lower() in HAPPENING:
            nouns.append(verb.head)  # "In 2019 tensions escalated between ...": parsed as a participle on the noun
        nouns = [n for n in nouns if n.lemma_.lower() in self.lex.nouns]
        if not nouns or any(c.dep_ == "prep" and c.lower_ == "between" for c in nouns[0].children):
            return  # "the war between X and Y broke out": the noun's own phrase, read with the noun
        parties = self.args.prep_objects(verb, "between")
        if len(parties) < 2:
            return
        noun = nouns[0]
        for frame in self.lex.nouns[noun.lemma_.lower()]:
            if "between" not in frame.object:
                continue
            first, *rest = parties
            for subject, obj in self.args.pairs([first], [rest]):
                yield self.qualifiers.proposal(frame, subject, obj, verb, sentence, cue=f"noun:{noun.lemma_.lower()}")
            break

    def backed(self, participle: Token, sentence: Span) -> Iterator[Proposal]:
        """'Iran-backed groups': the name before the hyphen backs what the noun names."""
        doer = [c for c in participle.children if c.dep_ in ("npadvmod", "compound", "nmod", "advmod")]
        if participle.i >= 2 and self.doc[participle.i - 1].text == "-":
            doer.append(self.doc[participle.i - 2])
        subjects = self.args.parties(doer)
        objects = self.args.parties([participle.head])
        for frame in self.lex.verbs[participle.lemma_.lower()][:1]:
            if family_of(frame.predicate) not in SUPPORT_FAMILIES:
                continue  # "Iran-backed", "US-funded"; "Kurdish-led" names who, not which actor
            for subject, obj in self.args.pairs(subjects, [objects]):
                yield self.qualifiers.proposal(frame, subject, obj, participle, sentence, cue="participle")

    def adjective(self, adjective: Token, sentence: Span) -> Iterator[Proposal]:
        """'X is hostile to Y', 'X remained allied with Y', 'groups loyal to Y'."""
        head = adjective.head
        if adjective.dep_ in ("acomp", "oprd"):
            subjects = self.args.subjects(head)
            anchor = head
        else:  # "amod" after its noun or "appos": the noun it describes
            subjects, anchor = self.args.parties([head]), adjective
        for frame in self.lex.adjectives[adjective.lower_]:
            objects = []
            for role in frame.object:
                found = self.args.prep_objects(adjective, role.split(":", 1)[1])
                if found:
                    objects = [found]
                    break
            for subject, obj in self.args.pairs(subjects, objects):
                yield self.qualifiers.proposal(
                    frame, subject, obj, anchor, sentence, cue=f"adjective:{adjective.lower_}"
                )


def joins_in(verb: Token) -> bool:
    """'joined Y in attacking Z': "join" with "in" and a gerund."""
    return verb.lemma_.lower() == "join" and any(
        c.dep_ == "prep" and c.lower_ == "in" and any(g.dep_ == "pcomp" for g in c.children) for c in verb.children
    )
