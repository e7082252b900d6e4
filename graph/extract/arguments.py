"""Who the arguments of a predicate are, read from the parse: its subjects, the objects of its prepositions.

A ``Party`` is an entity together with the token that names it in the sentence. Coordination
is read on both sides (each conjunct is a party), a missing subject is inherited from the
governing word, "such as X" lists and "members of X" reach the named instances, and a plural
pronoun for a coordination ("they") stands for every member of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from actorgraph.graph.extract.lexicon import Lexicon
from actorgraph.graph.extract.name_refs import Names, Ref

SUBJECT_INHERITING = frozenset({"xcomp", "conj", "advcl", "pcomp", "ccomp"})
# A passive clause lends its grammatical subject to a verb it governs: "X is said to have armed Y" (raising),
# "X was ousted in 2001 and fled to Y" (a coordinated verb)
PASSIVE_INHERITING = frozenset({"xcomp", "conj"})
# Prepositions before a gerund whose doer is the governing clause's subject: "X backed Y in overthrowing Z",
# "X retaliated by shelling Y", "X withdrew after attacking Y"
COUNTS = frozenset({"hundred", "thousand", "dozen", "score", "million", "number", "handful"})  # "dozens of X"
# Verbs whose subject is the doer of an infinitive on their object noun: "X has the means to arm Y"
HOLDING = frozenset({"have", "make", "take", "lack", "show", "seek", "gain", "possess", "retain", "build", "develop"})
LIST_REACH = 60  # words after "including" a surface-read list may span
LIST_ENDS = frozenset({".", ";", ":", "(", "?", "!"})
CIRCUMSTANTIAL = frozenset({"by", "in", "after", "before", "while", "through", "without", "on", "upon", "since"})


@dataclass(frozen=True)
class Party:
    """An argument of a predicate: the entity and the token that names it there."""

    ref: Ref
    token: Token

    @property
    def indirect(self) -> bool:
        return self.ref.how == "coref"


class ArgumentReader:
    """The parties a token names or a predicate takes, from the parse and the resolved names."""

    def __init__(self, names: Names, lexicon: Lexicon) -> None:
        self.names = names
        self.lex = lexicon
        self._state_keys: dict[str, str] | None = None  # state name -> the key the text's names gave it

    def as_state(self, party: Party) -> Party:
        """A capital read as the city ("sent a delegation to Kabul") as its state, when the text names that
        state elsewhere: a delegation goes to a government, not to a town."""
        capital = party.token.text.lower()
        if party.ref.kind != "place" or capital not in self.lex.capitals:
            return party
        key = self._states(party.token.doc).get(self.lex.capitals[capital].lower())
        return Party(Ref(key, "state", "capital"), party.token) if key is not None else party

    def _states(self, doc: Doc) -> dict[str, str]:
        if self._state_keys is None:
            self._state_keys = {}
            for i, ref in self.names.refs.items():
                word = doc[i].text.lower()
                name = self.lex.capitals.get(word) or self.lex.demonyms.get(word) or word
                if ref.kind == "state" and name.lower() in self.lex.states:
                    self._state_keys.setdefault(name.lower(), ref.key)
        return self._state_keys

    def subjects(self, verb: Token) -> list[Party]:
        """The doers: nsubj, or a passive's agent, or inherited from the governing word."""
        if is_passive(verb):
            agents = [c for c in verb.children if c.dep_ == "agent"]
            if not agents:  # "funded and armed by Y": the last conjunct's agent is every conjunct's
                agents = [c for v in _sharing_conjuncts(verb) for c in v.children if c.dep_ == "agent"]
            frames = self.lex.verbs.get(verb.lemma_.lower(), ())
            if not agents and frames and all("dobj" not in f.object for f in frames):
                # a stative passive: "the TTP is allied with the Taliban", "X is affiliated with Y"
                return self.parties(c for c in verb.children if c.dep_ == "nsubjpass")
            means = [p for a in agents for p in a.children if p.dep_ == "pobj"]
            if not agents:  # "three commanders were killed in an Israeli strike": the strike's doer
                means = [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "in" for p in c.children]
                means = [p for p in means if p.dep_ == "pobj" and self._is_strike(p)]
            found = self.parties(means)
            # "killed by an Israeli air strike": the doer of the means, a demonym included
            return found or [p for m in means if self._is_strike(m) for p in self._strikers(m)]
        found = self.parties(c for c in verb.children if c.dep_ in ("nsubj", "csubj"))
        if not found and verb.dep_ == "ROOT" and (before := _broken_off(verb)) is not None:
            return self.subjects(before)
        if found or verb.dep_ == "ROOT":
            return found
        head = verb.head
        if verb.dep_ == "pcomp" and head.dep_ == "conj" and head.head.dep_ == "pcomp":
            head = head.head.head  # "accused of killing X and of attacking Y": the first "of"
        if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.lemma_.lower() in ("accuse", "suspect"):
            # "X accused Y of funding Z": Y funds Z (the accusation is the claim's source)
            return self.parties(c for c in head.head.children if c.dep_ in ("dobj", "nsubjpass"))
        if verb.dep_ == "pcomp" and head.lower_ in CIRCUMSTANTIAL and head.dep_ == "prep":
            clause = head.head
            if clause.pos_ not in ("VERB", "AUX"):
                return []
            if is_passive(clause):
                return self.passive_subjects(clause)
            found = self.subjects(clause)
            if clause.lemma_.lower() == "join" and head.lower_ == "in":  # "X joined Y in attacking Z": both do
                found += [p for p in self.parties(c for c in clause.children if c.dep_ == "dobj") if p not in found]
            return found
        if verb.dep_ == "acl":
            parent = self.party(head)
            if parent is not None:
                return [parent]
            # "the efforts of the Quds Force to arm the Taliban", "Iran's decision to fund X"
            found = self.parties(c for c in head.children if c.dep_ == "poss") or self.prep_objects(head, "of")
            holder = head.head
            if not found and head.dep_ == "dobj" and holder.lemma_.lower() in HOLDING and not _gives(holder):
                found = self.subjects(holder)  # "X has the capacity to augment Y", "X made an attempt to oust Y"
            return found
        if verb.dep_ == "xcomp" and head.pos_ in ("VERB", "AUX") and not is_passive(head):
            controller = self.parties(c for c in head.children if c.dep_ == "dobj")
            if controller:  # object control: "X urged Y to attack Z", "X helped Y to fight Z": Y does it
                return controller
        if verb.dep_ in SUBJECT_INHERITING and head.pos_ in ("VERB", "AUX") and not is_passive(head):
            return self.subjects(head)
        if verb.dep_ in PASSIVE_INHERITING and head.pos_ in ("VERB", "AUX"):
            return self.passive_subjects(head)
        return []

    def _is_strike(self, noun: Token) -> bool:
        """An attack noun the lexicon reads ("strike", "raid", "bombing"): a means of killing or destroying."""
        frames = self.lex.nouns.get(noun.lemma_.lower(), ())
        return any(f.predicate in ("attacks", "kills") for f in frames)

    def _strikers(self, noun: Token) -> list[Party]:
        modifiers = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i < noun.i]
        return [p for p in self.parties(modifiers) if p.ref.is_actor]

    def companions(self, verb: Token, subjects: list[Party]) -> list[Party]:
        """Who acts with the subject: "X, along with Y, armed Z", "X, together with Y, backed Z"."""
        holders = [verb, *(p.token for p in subjects)]
        withs = [c for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "with"]
        withs = [w for w in withs if any(a.lower_ == "together" for a in w.children) or w.head.lower_ == "along"]
        withs += [
            w for h in holders for a in h.children if a.lower_ == "along" for w in a.children if w.lower_ == "with"
        ]
        known = {p.ref.key for p in subjects}
        found = self.parties(o for w in withs for o in w.children if o.dep_ == "pobj")
        return [p for p in found if p.ref.key not in known and p.ref.is_actor]

    def passive_subjects(self, verb: Token) -> list[Party]:
        """A passive clause's grammatical subject, through coordination ("Egypt backs X and is reported to ...")."""
        found = self.parties(c for c in verb.children if c.dep_ == "nsubjpass")
        if found or verb.dep_ != "conj" or verb.head.pos_ not in ("VERB", "AUX"):
            return found
        return self.passive_subjects(verb.head) if is_passive(verb.head) else self.subjects(verb.head)

    def prep_objects(self, head: Token, preposition: str, *, include_dobj: bool = False) -> list[Party]:
        heads = [head]
        if include_dobj:  # "supplied money to X": "to" may hang on the verb or on its object
            heads += [c for c in head.children if c.dep_ in ("dobj", "nsubjpass")]
        preps = [c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == preposition]
        objects = [p for prep in preps for p in prep.children if p.dep_ == "pobj"]
        if preposition == "between":
            # "between the Taliban and Afghan opposition figures" is often parsed with the first party a
            # modifier of the second's head noun; both are parties all the same
            objects += [m for p in objects for m in p.children if m.dep_ in ("nmod", "compound") and m.i < p.i]
        return self.parties(objects)

    def parties(self, tokens: Iterable[Token]) -> list[Party]:
        """The entities these tokens name, each conjunct separately ("the Taliban and the TTP")."""
        found: list[Party] = []
        seen: set[str] = set()
        for token in tokens:
            for t in (token, *token.conjuncts):
                examples = self._examples(t) if self.names.ref(t) is None else []
                if examples:
                    parties = examples  # "militias such as Kataib Hezbollah", "groups like the TTP"
                elif self.names.ref(t) is None and (agent_of := self._agent_of(t)):
                    parties = agent_of  # "a convoy of X", "the positions of X": X is the party
                elif (
                    self.names.ref(t) is None and t.lemma_.lower() in COUNTS and (counted := self.prep_objects(t, "of"))
                ):
                    parties = counted  # "killed hundreds of Masalit civilians"
                elif self.names.ref(t) is None and t.lemma_.lower() in self.lex.partitives:
                    # "members of the Taliban and Al-Qaeda", "its leaders"
                    parties = self.prep_objects(t, "of") or self.parties(c for c in t.children if c.dep_ == "poss")
                    if not parties and (party := self.party(t)) is not None:
                        parties = [party]  # "Taliban envoys"
                else:
                    party = self.party(t)
                    parties = [party] if party is not None else []
                for party in [*parties, *(p for q in parties for p in _also(q))]:
                    if party.ref.key not in seen:
                        seen.add(party.ref.key)
                        found.append(party)
        return found

    def _agent_of(self, token: Token) -> list[Party]:
        """The actor of "a convoy of X", "positions of X": a noun an actor acts through or holds, with "of"."""
        if token.lemma_.lower() not in self.lex.state_agents:
            return []
        return [p for p in self.prep_objects(token, "of") if p.ref.is_actor]

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
            party = self.party(t)
            # "bases such as A, and projects such as B": each example list in turn
            found += [party] if party is not None else self._examples(t)
        for party in (p for prep in preps for p in self._listed(prep)):
            if all(party.ref.key != f.ref.key for f in found):
                found.append(party)
        return found

    def _listed(self, prep: Token) -> list[Party]:
        """The names that open each item of a list after "including"/"such as", read along the words: a long list
        ("including A, B trained by C, the disciplined D and E") is often parsed with its later items hung elsewhere.
        The list ends at a clause of its own (", all of whom can be used"), a new subject or the sentence's end."""
        doc = prep.doc
        found: list[Party] = []
        item_open = True  # a new item has begun and has not yet met its head word
        for t in doc[prep.i + 1 : min(len(doc), prep.i + LIST_REACH)]:
            if t.is_sent_start or t.text in LIST_ENDS or self._opens_clause(t):
                break
            if t.text in (",", "and", "or"):
                item_open = True
                continue
            ref = self.names.ref(t)
            if ref is not None and item_open:
                found.append(Party(ref, t))
                item_open = False
            elif ref is None and t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() not in self.lex.partitives:
                # "the capital of Egypt": an unnamed head, what follows is inside the item ("leaders of X" stand for X)
                item_open = False
        return found

    def _opens_clause(self, token: Token) -> bool:
        """A word that starts a clause of its own: a subject before its verb, or a verb with its own subject."""
        if token.dep_ in ("nsubj", "nsubjpass") and token.head.i > token.i:
            return True
        return token.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)

    def nested(self, tokens: Iterable[Token]) -> list[Party]:
        """The registry names inside a longer name at these tokens and their conjuncts ("Ukraine" in a registry
        event "war against Ukraine", "NATO" in a registry group "forces trained by NATO")."""
        found: list[Party] = []
        for t in (t for token in tokens for t in (token, *token.conjuncts)):
            found.extend(Party(ref, t) for ref in self.names.nested.get(t.idx, ()) if ref not in [p.ref for p in found])
        return found

    def party(self, token: Token) -> Party | None:
        ref = self.names.ref(token)
        if ref is not None and ref.how == "agent":
            # "China's special envoy Deng Xijun met X": the named envoy, not the state it stands for
            person = next((c for c in token.children if c.dep_ == "appos" and self._person(c) is not None), None)
            if person is not None:
                return self._person(person)
        if ref is not None:
            return Party(ref, token)
        named = next((c for c in token.children if c.dep_ == "appos" and self.names.ref(c) is not None), None)
        if named is not None:  # "its intelligence service, the ISI, ..."
            return Party(self.names.refs[named.i], named)
        if token.dep_ == "appos" and self.names.ref(token.head) is not None:
            return Party(self.names.refs[token.head.i], token.head)  # "the Hazara, a minority group supported by X"
        if token.dep_ == "appos" and (described := self.before_comma(token)) is not None:
            return described  # "killings of Hazara people, a group supported by X": the parser hung it on "killings"
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

    def _person(self, token: Token) -> Party | None:
        ref = self.names.ref(token)
        return Party(ref, token) if ref is not None and ref.kind == "person" else None

    def before_comma(self, appos: Token) -> Party | None:
        """The name just before an apposition's comma: what the apposition describes, whatever the parse says."""
        start = appos.left_edge.i
        doc = appos.doc
        if start < 2 or doc[start - 1].text != ",":
            return None
        before = doc[start - 2]
        ref = self.names.ref(before)
        return Party(ref, before) if ref is not None and ref.is_actor else None

    def pairs(self, subjects: list[Party], objects: list[list[Party]]) -> Iterator[tuple[Party, Party]]:
        for subject, obj in self.pairs_any(subjects, objects):
            if subject.ref.is_actor:
                yield subject, obj

    def pairs_any(self, subjects: list[Party], objects: list[list[Party]]) -> Iterator[tuple[Party, Party]]:
        for obj_group in objects:
            for subject in subjects:
                for obj in obj_group:
                    if subject.ref.key != obj.ref.key:
                        yield subject, obj


def _sharing_conjuncts(verb: Token) -> list[Token]:
    """The passive participles after this one in its coordination that have no subject of their own."""
    return [
        c
        for c in verb.conjuncts
        if c.i > verb.i and c.tag_ == "VBN" and not any(g.dep_ in ("nsubj", "nsubjpass", "aux") for g in c.children)
    ]


def _broken_off(verb: Token) -> Token | None:
    """The clause a participle continues when a line break cut its sentence after a comma (text taken from a PDF:
    "X carried out an assault on Y,\n\ntargeting A and B"): the verb that comma closes."""
    doc = verb.doc
    i = verb.i
    if verb.tag_ != "VBG" or not verb.text[0].islower() or verb.left_edge.i != i or i < 2:
        return None
    if not doc[i - 1].is_space or "\n" not in doc[i - 1].text or doc[i - 2].text != ",":
        return None
    before = doc[i - 2].head
    return before if before.pos_ in ("VERB", "AUX") and before.i < i else None


def _gives(verb: Token) -> bool:
    """A verb with a receiver ("gave the Taliban the means to ..."): the receiver, not the subject, would act."""
    return any(c.dep_ == "dative" for c in verb.children)


def _also(party: Party) -> list[Party]:
    """The other members of a coordination a plural pronoun stands for."""
    return [Party(Ref(key, party.ref.kind, "coref"), party.token) for key in party.ref.also]


def is_passive(verb: Token) -> bool:
    """A passive clause: its own passive subject or auxiliary, a participle with "by X" ("groups backed by X"),
    or a participle coordinated with a passive that shares its subject ("X was funded and armed by Y")."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    if verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children):
        return True
    return (
        verb.dep_ == "conj"
        and verb.tag_ == "VBN"
        and not any(c.dep_ in ("nsubj", "aux") for c in verb.children)
        and is_passive(verb.head)
    )
