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
from actorgraph.graph.extract.office_frames import OfficeFrames
from actorgraph.graph.extract.qualifiers import Qualifiers
from actorgraph.graph.extract.verb_frames import SUPPORT_FAMILIES

PERSON_ROLES = frozenset({"leaderOf", "officialOf"})
ACCUSING = frozenset({"blame", "accuse", "suspect", "charge", "credit"})
# Verbs whose subject holds a relationship the noun names ("X has close ties to Y", "X maintains links with Y");
# only for symmetric relations, where holding one is being in one.
HOLDING = frozenset({"have", "maintain", "develop", "build", "forge", "deepen", "strengthen", "establish", "cultivate"})
# Verbs that end the relationship the noun names: "X severed ties with Y" says they no longer cooperate.
SEVERING = frozenset({"sever", "cut", "break", "suspend", "freeze"})
# A group's part named after the person who leads it: "the SLM faction of Minni Minawi".
FACTIONS = frozenset({"faction", "wing"})
# "one of the leaders of Y", "some of its backers": the role is held as the quantifier is.
ONE_OF = frozenset({"one", "some", "several", "many", "two", "three"})
# Verbs on which what a noun names reaches its receiver from its giver: "support for X came from Y".
ARRIVING = frozenset({"come", "flow", "arrive", "originate", "pour"})
# "Relations" say nothing of their kind unless the text does: close, deeper, strategic ones, or ones being deepened.
NEUTRAL_RELATIONSHIPS = frozenset({"relation", "relationship"})
WARM = frozenset(
    {"close", "closer", "closest", "deep", "deeper", "strong", "stronger", "good", "warm", "warmer", "friendly",
     "cordial", "strategic", "special", "growing", "intimate"}
)  # fmt: skip
WARMING = frozenset({"deepen", "strengthen", "develop", "forge", "build", "expand", "cement", "enhance"})
# Nouns for the ruling body of a state: "Niger's junta under X", "the government of X" (X leads the state);
# "leadership" in "under the leadership of X" / "under X's leadership" (X leads the clause's subject).
GOVERNING = frozenset({"government", "junta", "regime", "administration", "cabinet", "leadership"})


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
        # titles, descriptions with their state, people counted before
        self.offices = OfficeFrames(doc, names, lexicon, arguments, qualifiers)

    def noun(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        """A nominalisation: its doer from a possessor, a name before it, "by X" or a light verb; its object
        from its prepositions."""
        if noun.lemma_.lower() == "side":
            yield from self._on_the_side(noun, sentence)
            return
        subjects, light = self._noun_subjects(noun)
        receiving = light is not None and light.lemma_.lower() in self.lex.receiving_verbs
        family = family_of(self.lex.nouns[noun.lemma_.lower()][0].predicate)
        if family in SYMMETRIC and self._severed(noun):
            return
        if noun.lemma_.lower() in NEUTRAL_RELATIONSHIPS and not self._warm(noun):
            return
        if not subjects and family in SYMMETRIC and not self.args.prep_objects(noun, "between"):
            # "X has ties to Y"; not "Q established contact between X and Y" (the parties are X and Y)
            subjects = self._relationship_holders(noun)
        for frame in self.lex.nouns[noun.lemma_.lower()]:
            objects = self._noun_objects(noun, frame, light, subjects)
            if not subjects and not receiving and family_of(frame.predicate) in SUPPORT_FAMILIES:
                subjects = self._givers(noun)
            if receiving:  # "X received support from Y": Y supports X
                givers = self.args.prep_objects(light, "from", include_dobj=True) if light is not None else []
                givers = givers or self.args.prep_objects(noun, "of")  # "X enjoys the backing of Y"
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
                proposal = self.qualifiers.proposal(
                    frame, subject, obj, anchor, sentence, cue=f"noun:{noun.lemma_.lower()}"
                )
                yield denied(proposal) if negated(noun) else proposal
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

    def _on_the_side(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        """'X fought on the side of Y', 'X fought on Y's side': X is Y's ally; 'both sides' says nothing."""
        head = noun.head
        if noun.dep_ != "pobj" or head.lower_ not in ("on", "by") or head.head.pos_ not in ("VERB", "AUX"):
            return
        sides = self.args.parties(c for c in noun.children if c.dep_ == "poss") + self.args.prep_objects(noun, "of")
        sides = [p for p in sides if p.ref.is_actor]
        frame = self.lex.nouns["side"][0]
        for subject, obj in self.args.pairs(self.args.subjects(head.head), [sides]):
            yield self.qualifiers.proposal(frame, subject, obj, head.head, sentence, cue="on-the-side-of")

    def _givers(self, noun: Token) -> list[Party]:
        """'support for X from Y', 'funding from Y', 'financial support for X came from Y': Y."""
        givers = self.args.prep_objects(noun, "from")
        if not givers and noun.dep_ == "nsubj" and noun.head.lemma_.lower() in ARRIVING:
            givers = self.args.prep_objects(noun.head, "from")
        return givers

    def _relationship_holders(self, noun: Token) -> list[Party]:
        """Who is in the relationship a noun names: 'X has close ties to Y', 'a militia with links to Y'."""
        head = noun.head
        denying = self.lex.reporting.get(head.lemma_.lower()) == "denied"
        if noun.dep_ == "dobj" and (head.lemma_.lower() in HOLDING or denying):
            return self.args.subjects(head)  # "X has close ties to Y"; "X denied any links with Y" (a denied claim)
        if noun.dep_ == "pobj" and head.lower_ == "with":
            holder = head.head
            party = self.args.party(holder) if holder.pos_ in ("NOUN", "PROPN") else None
            if party is not None and (party.token is holder or party.token.dep_ == "appos" or holder.dep_ == "appos"):
                # "X, a militia with ties to Y": the militia is X; not "IRGC officers with ties to Y" (the officers')
                return [party]
            if holder.pos_ in ("VERB", "AUX"):
                return self.args.subjects(holder)  # "X, with ties to Y, seized ..."
        return []

    def _warm(self, noun: Token) -> bool:
        """'close relations with Y', 'developed deeper relations with Y', not 'tense relations' or 'relations'."""
        if any(c.dep_ == "amod" and c.lower_ in WARM for c in noun.children):
            return True
        head = noun.head
        negated = any(c.dep_ == "neg" for c in head.children)
        return noun.dep_ == "dobj" and head.lemma_.lower() in WARMING and not negated

    def _severed(self, noun: Token) -> bool:
        head = noun.head
        return noun.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in SEVERING

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
        if noun.lemma_.lower() == "minister" and any(c.lower_ == "prime" for c in noun.children):
            frame = replace(frame, predicate="leaderOf")  # a prime minister heads the government
        holders = self._role_holders(noun, frame)
        relata = self.args.parties(c for c in noun.children if c.dep_ in ("poss", "compound", "nmod") and c.i < noun.i)
        relata += [self._described_party(p) for p in self._role_objects(noun, frame)]
        own = self.names.ref(noun)
        if not relata and frame.predicate in PERSON_ROLES:
            # "X as prime minister in Israel": a state's office named by where it is held
            relata = [p for p in self.args.prep_objects(noun, "in") if p.ref.kind == "state"]
        if not relata and own is not None and own.how == "agent":
            relata = [Party(own, noun)]  # "X, a Russian diplomat": the demonym made the diplomat Russia's
        if not relata and noun.dep_ in ("compound", "nmod", "amod", "npadvmod"):
            # "the IRGC general Mohammad Reza Zahedi", "Hezbollah's secretary-general Hassan Nasrallah"
            relata = self.args.parties(
                c for c in noun.head.children if c.dep_ in ("compound", "nmod", "poss") and c.i < noun.i
            )
        described = not holders and own is not None and own.how == "name"
        if described and own is not None:
            holders = [Party(own, noun)]  # the role noun is itself a name: "Iran's intelligence minister" in a registry
            if all(r.ref.key == own.key for r in relata):  # "the new leader of Al-Qaeda" as one registry name
                relata = self._nested_relata(noun, own)
        if not relata and len(holders) >= 2 and family_of(frame.predicate) in SYMMETRIC:
            relata = holders[1:]  # "Russia and Iran are close allies"
            holders = holders[:1]
        holders = [h for h in holders if h.ref.key not in {r.ref.key for r in relata}]
        if frame.predicate in PERSON_ROLES:
            holders = [h for h in holders if h.ref.kind == "person"]  # leaderOf/officialOf: a person's (domain)
        if frame.reverse:  # "X, a coalition of A and B": A and B are members of X
            holders, relata = relata, holders
        for holder, relatum in self.args.pairs(holders, [relata]):
            proposal = self.qualifiers.proposal(
                frame, holder, relatum, noun, sentence, cue=f"role:{noun.lemma_.lower()}"
            )
            if described:  # "the new leader of Al-Qaeda" names its holder by the role: the writer's words, no claim
                proposal = replace(proposal, certainty="stated", attributed_to=())
            yield denied(self._writers(proposal, noun)) if negated(noun) else self._writers(proposal, noun)
        yield from self._led_faction(noun, sentence)

    def _writers(self, proposal: Proposal, noun: Token) -> Proposal:
        """'X, the governor of Y, said ...': the apposition describing the speaker is the writer's, not X's claim."""
        head = noun.head
        speaking = head.dep_ == "nsubj" and head.head.lemma_.lower() in self.lex.reporting
        if noun.dep_ == "appos" and speaking and not any(c.dep_ == "neg" for c in head.head.children):
            return replace(proposal, certainty="stated", attributed_to=())
        return proposal

    def _led_faction(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        """'the SLM faction of Minni Minawi': the person leads the group's faction, and so the group as he has it."""
        if noun.lemma_.lower() not in FACTIONS:
            return
        groups = self.args.parties(c for c in noun.children if c.dep_ in ("compound", "nmod") and c.i < noun.i)
        leaders = [p for p in self.args.prep_objects(noun, "of") if p.ref.kind == "person"]
        frame = Frame("leaderOf", ("prep:of",), None, 0.5)
        for leader, group in self.args.pairs(leaders, [[g for g in groups if g.ref.kind in ("group", "organ")]]):
            yield self.qualifiers.proposal(frame, leader, group, noun, sentence, cue="faction-of")

    def _named_part(self, token: Token) -> Party | None:
        """'the SLM faction of X', 'Taliban fighters': the group a partitive noun with a name before it stands for."""
        if self.names.ref(token) is not None or token.lemma_.lower() not in self.lex.partitives:
            return None
        names = self.args.parties(c for c in token.children if c.dep_ in ("compound", "nmod") and c.i < token.i)
        return names[0] if names and names[0].ref.kind != "person" else None

    def _name_after(self, noun: Token) -> Party | None:
        """'Russia's ally Belarus hosted ...': the small pipeline often makes the role noun and the name right
        after it two subjects (or objects) of the same verb; the name then holds the role."""
        if noun.i + 1 >= len(self.doc) or noun.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj"):
            return None
        first = self.doc[noun.i + 1]
        ref = self.names.ref(first)
        if ref is None or not ref.is_actor:
            return None
        root = first
        while root.dep_ in ("compound", "flat") and self.names.ref(root.head) == ref and root.head.i > root.i:
            root = root.head
        return Party(ref, root) if root.dep_ == noun.dep_ and root.head == noun.head else None

    def _role_objects(self, noun: Token, frame: Frame) -> list[Party]:
        """Whose role it is: 'of Y', and the frame's own prepositions ('a donor to Y'), which the parser may hang
        on the copula ('X remains a donor to Y')."""
        preps = ["of", *(r.split(":", 1)[1] for r in frame.object if r.startswith("prep:") and r != "prep:of")]
        found = [p for prep in preps for p in self.args.prep_objects(noun, prep)]
        if not found and noun.dep_ in ("attr", "oprd") and noun.head.lemma_.lower() in self.lex.copulas:
            found = [p for prep in preps[1:] for p in self.args.prep_objects(noun.head, prep)]
        return found

    def _described_party(self, party: Party) -> Party:
        """'the head of Iran's intelligence ministry': the ministry the text describes, not Iran acting through it."""
        if party.ref.how != "agent":
            return party
        described = next((d for d in self.names.described if d.head == party.token.i), None)
        return Party(Ref(described.key, described.kind), party.token) if described is not None else party

    def _listed_after(self, noun: Token) -> list[Party]:
        """'two of the group's commanders, A and B': the small parser makes the names after the comma conjuncts of
        the plural role noun; they are its holders."""
        if noun.tag_ not in ("NNS", "NNPS") or noun.i + 1 >= len(self.doc) or self.doc[noun.i + 1].text != ",":
            return []
        people = self.args.parties(c for c in noun.children if c.dep_ == "conj" and c.i > noun.i + 1)
        return [p for p in people if p.ref.kind == "person"]

    def _person_before(self, word: Token) -> Party | None:
        """The person named right before a word ("X as prime minister")."""
        before = self.doc[word.i - 1] if word.i > 0 else None
        ref = self.names.ref(before) if before is not None else None
        return Party(ref, before) if before is not None and ref is not None and ref.kind == "person" else None

    def _nested_relata(self, noun: Token, own: Ref) -> list[Party]:
        """Whose role a registry name spells: "the new leader of Al-Qaeda" is one registry name with Al-Qaeda inside."""
        objects = [t for prep in noun.children if prep.dep_ == "prep" and prep.lower_ == "of" for t in prep.children]
        found = []
        for obj in objects:
            for word in obj.subtree:
                nested = self.names.nested_at(word.idx)
                if nested is not None and nested.key != own.key and nested.is_actor:
                    found.append(Party(nested, word))
                    break
        return found

    def _role_holders(self, noun: Token, frame: Frame) -> list[Party]:
        listed = self._listed_after(noun)
        if listed:
            return listed
        if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lower_ in ONE_OF:
            noun = noun.head.head  # "X, one of the main backers of Y": X holds the role as "one" would
        if noun.dep_ == "appos":
            return self.args.parties([noun.head])
        appositives = self.args.parties(c for c in noun.children if c.dep_ == "appos")
        if appositives:
            return appositives
        if noun.dep_ in ("compound", "nmod", "amod", "npadvmod") and noun.i < noun.head.i:
            # "HTS leader Ahmed al-Sharaa", "Hezbollah's secretary-general Hassan Nasrallah", "its patron Iran"
            holder = self.names.ref(noun.head)
            wanted = holder is not None and (holder.kind == "person" or frame.predicate not in PERSON_ROLES)
            return [Party(holder, noun.head)] if holder is not None and wanted else []
        named_next = self._name_after(noun)
        if named_next is not None:
            return [named_next]
        if frame.predicate in PERSON_ROLES:
            # "The head of the Wagner Group, Yevgeny Prigozhin, ...": the parser hangs the holder on the group
            of = [p for prep in noun.children if prep.dep_ == "prep" and prep.lower_ == "of" for p in prep.children]
            people = self.args.parties(a for p in of for a in p.children if a.dep_ == "appos")
            if any(p.ref.kind == "person" for p in people):
                return [p for p in people if p.ref.kind == "person"]
        if noun.tag_ in ("NNS", "NNPS") and self.names.ref(noun) is None:
            examples = self.args.parties([noun])  # "Iran's proxies, such as Kataib Hezbollah"
            if examples and all(p.token is not noun and p.token.head is not noun for p in examples):
                return examples
        head = noun.head
        if noun.dep_ in ("attr", "oprd") and head.lemma_.lower() in self.lex.copulas:
            parts = [p for c in head.children if c.dep_ == "nsubj" and (p := self._named_part(c)) is not None]
            if parts:
                return parts  # "The SLM faction of X is part of Y": the SLM
        if noun.dep_ == "nsubj" and head.lemma_.lower() in self.lex.copulas:
            # "The main backer of the Polisario Front is Algeria": the role is the subject, its holder the attribute
            attributes = (self.args.party(c) for c in head.children if c.dep_ in ("attr", "oprd"))
            return [p for p in attributes if p is not None]  # a name, not "part of Y" read as Y
        if noun.dep_ == "pobj" and head.lower_ == "as":
            head = head.head  # "served as the group's leader"
            appointee = self.args.party(head) if head.pos_ in ("NOUN", "PROPN") else None
            if appointee is not None:
                return [appointee]  # "installed X as governor of Y" with "as" hung on X
            if head.pos_ in ("NOUN", "PROPN"):
                # "the re-election of X as prime minister", "X's appointment as envoy"
                return self.args.parties(c for c in head.children if c.dep_ == "poss") or self.args.prep_objects(
                    head, "of"
                )
            before = self._person_before(noun.head)
            if before is not None and before.token.dep_ == "pobj" and head.lemma_.lower() not in self.lex.copulas:
                # "faces the re-election of X as prime minister": "as" hung on the verb; not "would succeed X as
                # leader" (the subject is to hold it)
                return [before]
        elif noun.dep_ not in ("attr", "oprd"):
            return []
        if head.lemma_.lower() in self.lex.copulas:
            appointed = self.args.parties(c for c in head.children if c.dep_ == "dobj")
            if appointed:
                return appointed  # "Tehran appointed X as ambassador": X holds the role, not Tehran
            return self.args.subjects(head) or self.args.parties(c for c in head.children if c.dep_ == "nsubjpass")
        return []

    # -- ruling bodies: "Niger's junta under X", "the government of X", "the group, under the leadership of X"

    def governed(self, noun: Token, sentence: Span) -> Iterator[Proposal]:
        """A person heading a state's government, or the actor a clause's 'under the leadership of X' is about."""
        named = [c for c in noun.children if c.dep_ in ("poss", "compound", "nmod") and c.i < noun.i]
        parties = self.args.parties(named)
        leaders = [p for p in parties if p.ref.kind == "person"]
        leaders += [p for prep in ("under", "of") for p in self.args.prep_objects(noun, prep) if p.ref.kind == "person"]
        if noun.lemma_.lower() == "leadership":
            governed = self._under_whom(noun)
        else:
            own = self.names.ref(noun)
            governed = [Party(own, noun)] if own is not None and own.how == "agent" else []
            governed = governed or [p for p in parties if p.ref.is_actor and p.ref.kind != "person"]
        governed = [p for p in governed if p.ref.is_actor]  # "in Helmand province under the leadership of X"
        frame = Frame("leaderOf", ("prep:of",), None, 0.55)
        for leader, ruled in self.args.pairs(leaders, [governed]):
            yield self.qualifiers.proposal(frame, leader, ruled, noun, sentence, cue=f"governing:{noun.lemma_.lower()}")

    def home_to(self, home: Token, sentence: Span) -> Iterator[Proposal]:
        """'Jordan is home to 700,000 Syrian refugees', 'Iran, already home to the Afghan diaspora': X hosts them."""
        if home.head.lemma_.lower() == "be":
            hosts = self.args.subjects(home.head)
        else:
            hosts = [p for p in [self.args.before_comma(home)] if p is not None]
        guests = [p for p in self.args.prep_objects(home, "to") if p.ref.is_actor]
        frame = Frame("hosts", ("prep:to",), None, 0.6)
        for host, guest in self.args.pairs([h for h in hosts if h.ref.is_actor], [guests]):
            yield self.qualifiers.proposal(frame, host, guest, home, sentence, cue="home-to")

    def _under_whom(self, noun: Token) -> list[Party]:
        """'X, under the leadership of Y, ...', 'under Y's leadership X ...': X."""
        head = noun.head
        if noun.dep_ != "pobj" or head.lower_ != "under":
            return []
        ruled = head.head
        for _ in range(3):  # "the emergence of ISIS-K in Helmand province under the leadership of Y": past the place
            if ruled.pos_ in ("VERB", "AUX"):
                return self.args.subjects(ruled)
            found = [p for p in self.args.parties([ruled]) if p.ref.is_actor]
            found = found or [p for p in self.args.prep_objects(ruled, "of") if p.ref.is_actor]
            if found or ruled.dep_ != "pobj" or ruled.head.dep_ != "prep":
                return found
            ruled = ruled.head.head
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
        nested = self.names.nested_at(named.idx)
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

    def _apposed(self, token: Token, ref: Ref) -> Party:
        """'the Majlis al-Shura, Qatar's parliament': the name the possessed organ is in apposition to is the organ."""
        named = self.names.ref(token.head)
        if token.dep_ == "appos" and named is not None and named.key != ref.key and named.is_actor:
            return Party(named, token.head)
        return Party(ref, token)

    def possessed(self, token: Token, ref: Ref, sentence: Span) -> Iterator[Proposal]:
        """'Pakistan's Inter-Services Intelligence', 'its Quds Force': the organ is part of its possessor;
        "Haftar's Libyan National Army": a person's group is led by that person."""
        owners = self.args.parties(c for c in token.children if c.dep_ == "poss")
        for owner in owners:
            if owner.ref.key == ref.key:
                continue
            if ref.kind == "organ" and owner.ref.kind in ("state", "organ", "group"):
                frame, other, cue = Frame("partOf", ("poss",), None, 0.6), owner, "organ"
                party = self._apposed(token, ref)
            elif ref.kind in ("group", "organ") and owner.ref.kind == "person":
                frame, party, other, cue = Frame("leaderOf", ("poss",), None, 0.5), owner, Party(ref, token), "led"
            else:
                continue
            proposal = self.qualifiers.proposal(frame, party, other, token, sentence, cue=f"possessed-{cue}")
            # what an organ is part of, or who leads a group, is structure, not an event of the sentence's date
            yield replace(proposal, at=None, start_time=None, end_time=None, place=None)


def negated(noun: Token) -> bool:
    """'X has no ties to Y', 'X does not have ties to Y', 'X is not a donor to Y'."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
        return True
    governs = noun.dep_ in ("dobj", "attr", "oprd", "nsubjpass")
    return governs and any(c.dep_ == "neg" for c in noun.head.children)


def denied(proposal: Proposal) -> Proposal:
    return replace(proposal, certainty="denied")
