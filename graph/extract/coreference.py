"""Light coreference: "it", "they", "the group", "the two countries" and relative pronouns point at the
nearest compatible actor of the last few sentences, a subject preferred."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from spacy.tokens import Doc, Token

from actorgraph.graph.extract.base import Mention
from actorgraph.graph.extract.lexicon import Lexicon
from actorgraph.graph.extract.name_refs import Names, Ref

PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person"}
NEUTER = {"it": "singular", "its": "singular", "they": "plural", "them": "plural", "their": "plural"}
RELATIVE = frozenset({"which", "who", "whom", "whose", "that"})
COREF_WINDOW = 3  # sentences back an anaphor may reach
# What a definite description may refer back to, by the class lexicon.yaml gives its noun
ANAPHOR_KINDS: dict[str, frozenset[str]] = {
    "group": frozenset({"group"}),
    "state": frozenset({"state"}),
    "place": frozenset({"place"}),
    "actor": frozenset({"group", "organ", "state"}),  # "the two sides", "both belligerents"
}
INHERITING = frozenset({"xcomp", "conj", "advcl", "pcomp"})  # clauses without a subject share their head's
# Nouns for people who fight ("the rebels", "the militants"): they refer back to an armed actor, never to a body
# that reports on them ("United Nations experts say that Rwanda commands the rebels"), a people or a newspaper.
COMBATANT_NOUNS = frozenset(
    {"rebel", "insurgent", "militant", "jihadist", "guerrilla", "paramilitary", "mercenary", "militia"}
)
UNARMED_CLASSES = frozenset(
    {"IntergovernmentalOrganization", "Organization", "MediaOutlet", "Community", "EthnicGroup", "ReligiousGroup"}
)


class Coreference:
    """Gives anaphors in ``names`` the Ref of their antecedent (and reports registry ones as mentions)."""

    def __init__(
        self, doc: Doc, names: Names, lexicon: Lexicon, classes: Callable[[str], tuple[str, ...]] | None = None
    ) -> None:
        self.doc = doc
        self.names = names
        self.lexicon = lexicon
        self.classes = classes or (lambda key: ())  # an entity key's ontology classes (registry or new name)
        self._sentence_starts = [s.start for s in doc.sents]

    def resolve(self) -> None:
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
        other_nouns = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
        if any(c.lemma_.lower() not in self.lexicon.anaphors for c in other_nouns):
            return None  # "the member states", "the border provinces": another set of things, not the last named
        if any(c.dep_ in ("amod", "compound") and c.tag_ == "VBN" for c in token.subtree if c.i < token.i):
            return None  # "the army-backed government", "the Kurdish-led coalition": a new description
        return ANAPHOR_KINDS[anaphor]

    def _pair(self, token: Token, wanted: frozenset[str]) -> Ref | None:
        """'the two countries', 'both groups': the two nearest distinct compatible actors before."""
        at = bisect.bisect_right(self._sentence_starts, token.i) - 1
        first = self._sentence_starts[max(0, at - COREF_WINDOW)]
        found: list[Ref] = []
        # "Turkey convened talks between the two sides": the clause's own subject is not one of them
        # nor anyone named inside that subject ("Thai and Indian officials have hosted both sides")
        subjects = {t.i for i in self._clause_subjects(_clause_verb(token)) for t in self.doc[i].subtree}
        for i in range(token.i - 1, first - 1, -1):
            ref = self.names.refs.get(i)
            if i in subjects:
                continue
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
        excluded = self._own_objects(token)
        for i in range(token.i - 1, first - 1, -1):
            ref = self.names.refs.get(i)
            if ref is None or ref.kind not in wanted or ref.key in excluded or self._unarmed(token, ref):
                continue
            other = self.doc[i]
            if token.dep_ in ("dobj", "pobj") and i in self._clause_subjects(_clause_verb(token)):
                continue  # "Iran supports it", "Kyiv denied supporting them": the object is not the subject
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
            if _salient(other) and subject_like:
                return ref
            nearest = nearest or ref
        return nearest

    def _unarmed(self, anaphor: Token, ref: Ref) -> bool:
        """ "the rebels" cannot be a body that reports, a people or a newspaper."""
        return anaphor.lemma_.lower() in COMBATANT_NOUNS and bool(UNARMED_CLASSES & set(self.classes(ref.key)))

    def _clause_subjects(self, verb: Token) -> set[int]:
        """The subjects of a verb and of the verbs it takes its subject from ("X denied supporting them")."""
        while True:
            own = {t.i for c in verb.children if c.dep_.startswith("nsubj") for t in (c, *c.conjuncts)}
            if own or verb.dep_ not in INHERITING or verb.head is verb:
                return own
            verb = verb.head.head if verb.dep_ == "pcomp" else verb.head

    def _own_objects(self, token: Token) -> set[str]:
        """Who a possessive's noun is about: "their funding of the Taliban" is not the Taliban's own funding."""
        if token.dep_ != "poss":
            return set()
        objects = (p for c in token.head.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj")
        return {r.key for o in objects for t in (o, *o.conjuncts) if (r := self.names.refs.get(t.i)) is not None}

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


def _is_pair(token: Token) -> bool:
    """'the two countries', 'both groups'."""
    return token.tag_ in ("NNS", "NNPS") and any(
        (c.dep_ == "nummod" and c.lower_ in ("two", "2")) or c.lower_ == "both" for c in token.children
    )


def _salient(token: Token) -> bool:
    """A subject, or the possessor of one ("ISKP's approach ... It considers"): what a later "it" most likely means."""
    return token.dep_.startswith("nsubj") or (token.dep_ == "poss" and token.head.dep_.startswith("nsubj"))


def _clause_verb(token: Token) -> Token:
    """The verb whose clause a word is in ("talks between the two sides" -> "convened"), or its top word."""
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
    return token.head
