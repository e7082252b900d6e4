"""Office frames: who holds a state's office, and what a text describes as a state's.

- a title between a state's word and a person's name: "Turkish President Recep Tayyip Erdogan" leads Turkey,
  "Israeli Prime Minister X" leads Israel, "the former Iranian Foreign Minister X" and "US envoy X" are officials of
  their state;
- the rest of a group's people counted before: "five key members of Al-Qaeda were released ... The other two, A and
  B, remained" (A and B are members of Al-Qaeda);
- a description with its state (found with the names, ``name_spans.add_described``): "Iran's intelligence
  minister" is an official of Iran, "Iranian lawmakers" are members of it, "the Moroccan foreign ministry" and each
  of "Iran's conservative and reformist factions" are parts of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.extract.arguments import ArgumentReader, Party
from actorgraph.graph.extract.base import Proposal
from actorgraph.graph.extract.lexicon import Frame, Lexicon
from actorgraph.graph.extract.name_refs import Described, Names, Ref
from actorgraph.graph.extract.name_spans import BODY_HEADS, STATE_PEOPLE
from actorgraph.graph.extract.qualifiers import Qualifiers

# Offices whose holder leads the state itself (a "prime minister" too, by the word before "minister").
HEADS_OF_STATE = frozenset({"president", "king", "queen", "emir", "amir", "sultan", "monarch", "premier", "chancellor"})
# Titles whose holder leads the state: the heads of state, a "leader" or "ruler" of it ("the junta leader General X").
LEADING_TITLES = HEADS_OF_STATE | {"leader", "ruler"}
# Titles whose holder leads the body named "of" him: "the Government of National Unity of Prime Minister X".
BODY_LEADERS = LEADING_TITLES | {"minister", "general", "commander", "chief", "head", "chairman"}
# How a role noun governs its own state's word ("Ukraine's President X", "US envoy X"): the role frame reads those.
ROLE_OWNER_DEPS = frozenset({"poss", "compound", "nmod"})
# Words before a title that make it another's office: "Vice President X", "Deputy Prime Minister X".
SECOND_IN_LINE = frozenset({"vice", "deputy", "acting"})
# Role nouns that make a person's title an office ("Foreign Minister", "envoy", "general"), not a founder's
# or a sheikh's standing.
NOT_OFFICES = frozenset({"founder", "co-founder"})
# The dependencies of the words before a name that belong to its noun phrase ("the former Iranian Foreign Minister").
MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss", "case"})
# Counted people the text names after a comma: "the other two, A and B", "three of them, A, B and C".
COUNTS = frozenset({"two", "three", "four", "five", "six", "both"})
# How far back (tokens) the counted group is looked for: the sentence before or the one before that.
COUNTED_REACH = 80
# Participles that place a state's people in one of its bodies: "diplomats stationed at the consulate in X".
POSTED = frozenset({"station", "post", "base", "assign", "accredit", "attach", "second", "deploy"})


class OfficeFrames:
    """Proposals from the offices a text gives people and the state a description belongs to."""

    def __init__(
        self, doc: Doc, names: Names, lexicon: Lexicon, arguments: ArgumentReader, qualifiers: Qualifiers
    ) -> None:
        self.doc = doc
        self.names = names
        self.lex = lexicon
        self.args = arguments
        self.qualifiers = qualifiers
        self.offices = (
            frozenset(w for w, frame in lexicon.roles.items() if frame.predicate in ("leaderOf", "officialOf"))
            - NOT_OFFICES
        )
        self._state_keys: dict[str, str] | None = None  # state name -> the key the text's names gave it

    def read(self, sentence: Span) -> Iterator[Proposal]:
        for token in sentence:
            ref = self.names.ref(token)
            if ref is not None and ref.kind == "person" and not self._inside_name(token, ref):
                yield from self._titled(token, ref, sentence)
            if token.lower_ in COUNTS:
                yield from self._the_others(token, sentence)
        for described in self.names.described:
            if sentence.start <= described.head < sentence.end:
                yield from self._described(described, sentence)

    def _the_others(self, count: Token, sentence: Span) -> Iterator[Proposal]:
        """'The other two, A and B, remained': A and B hold the role of the people counted before ("five key
        members of Al-Qaeda"), in the group those were of."""
        other = any(c.dep_ == "amod" and c.lower_ in ("other", "remaining") for c in count.children)
        of_them = any(
            c.dep_ == "prep" and c.lower_ == "of" and any(g.lower_ in ("them", "those") for g in c.children)
            for c in count.children
        )
        if not (other or of_them):
            return
        listed = count.i + 1 < len(self.doc) and self.doc[count.i + 1].text == ","
        # "The other two, A and B": apposed names, or conjuncts of the count as the small parser often has them
        named = (c for c in count.children if c.dep_ == "appos" or (listed and c.dep_ == "conj" and c.i > count.i))
        people = [p for p in self.args.parties(named) if p.ref.kind == "person"]
        counted = self._counted_before(sentence) if people else None
        if counted is None:
            return
        role, group = counted
        frame = replace(self.lex.roles[role.lemma_.lower()], confidence=0.5)
        for person in people:
            yield self.qualifiers.proposal(frame, person, group, count, sentence, cue="the-other")

    def _counted_before(self, sentence: Span) -> tuple[Token, Party] | None:
        """The nearest plural role noun with its group before this sentence: "five key members of Al-Qaeda"."""
        for i in range(sentence.start - 1, max(-1, sentence.start - COUNTED_REACH), -1):
            noun = self.doc[i]
            lemma = noun.lemma_.lower()
            if noun.tag_ != "NNS" or lemma not in self.lex.roles or lemma not in self.lex.partitives:
                continue
            own = self.names.ref(noun)
            for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
                for obj in (c for c in prep.children if c.dep_ == "pobj"):
                    ref = self.names.ref(obj)
                    if ref is not None and own is not None and ref.key == own.key:
                        # "five key members of Al-Qaeda" as one registry name: the group named inside it
                        ref = next((n for t in obj.subtree if (n := self.names.nested_at(t.idx)) is not None), None)
                    if ref is not None and ref.kind in ("group", "organ"):
                        return noun, Party(ref, obj)
            return None  # the nearest counted people are of no group the text names
        return None

    def _inside_name(self, token: Token, ref: Ref) -> bool:
        head = token.head
        return token.dep_ in ("compound", "flat") and head.i > token.i and self.names.ref(head) == ref

    def _titled(self, name: Token, ref: Ref, sentence: Span) -> Iterator[Proposal]:
        """'Turkish President Recep Tayyip Erdogan', 'the former Iranian Foreign Minister X', 'President X of Ukraine'
        (a state's word the role noun itself governs, "Ukraine's President X", "US envoy X", is the role frame's)."""
        words = self._words_before(name, sentence)
        titles = [t for t in words if t.lower_ in self.offices]
        if not titles:
            return
        title = titles[-1]  # the office nearest the name: "Deputy Foreign Minister" is a minister
        states = [s for t in words if t.i < title.i and (s := self._state(t, ref)) is not None]
        states = states or self._state_after(name)
        if not states:
            yield from self._led_body(name, ref, titles, sentence)
            return
        if any(s.token.head in titles and s.token.dep_ in ROLE_OWNER_DEPS for s in states):
            return
        second = any(t.lower_ in SECOND_IN_LINE for t in words if t.i < title.i)
        leads = any(t.lower_ in LEADING_TITLES or _prime_minister(t) for t in titles) and not second
        frame = Frame("leaderOf" if leads else "officialOf", ("compound",), None, 0.6)
        state = states[-1]
        proposal = self.qualifiers.proposal(
            frame, Party(ref, name), state, title, sentence, cue=f"title:{title.lower_}"
        )
        yield _structure(proposal)

    def _led_body(self, name: Token, ref: Ref, titles: list[Token], sentence: Span) -> Iterator[Proposal]:
        """'the Government of National Unity of Prime Minister X': a named government or force "of" a person with a
        leading title is led by that person."""
        if name.dep_ != "pobj" or name.head.lower_ != "of" or not any(t.lower_ in BODY_LEADERS for t in titles):
            return
        body = name.head.head
        led = self.names.ref(body)
        if led is None or led.kind not in ("organ", "group") or led.key == ref.key:
            return
        frame = Frame("leaderOf", ("prep:of",), None, 0.55)
        title = titles[-1]
        proposal = self.qualifiers.proposal(frame, Party(ref, name), Party(led, body), title, sentence, cue="body-of")
        yield _structure(proposal)

    def _state_after(self, name: Token) -> list[Party]:
        """'President Volodymyr Zelensky of Ukraine': the state after the name."""
        objects = (o for p in name.children if p.dep_ == "prep" and p.lower_ == "of" for o in p.children)
        return [Party(r, o) for o in objects if (r := self.names.ref(o)) is not None and r.kind == "state"]

    def _words_before(self, name: Token, sentence: Span) -> list[Token]:
        """The words of the noun phrase before a person's name, up to its article or a comma."""
        words: list[Token] = []
        i = name.i - 1
        while i >= sentence.start:
            word = self.doc[i]
            own = self.names.ref(word) == self.names.ref(name)
            if own and word.lower_ not in self.offices:
                i -= 1  # a first name ("Recep Tayyip"); a title inside a registry name still counts
                continue
            if word.dep_ not in MODIFIER_DEPS or word.is_punct or word.head.i <= word.i or word.head.i > name.i:
                break
            words.insert(0, word)
            i -= 1
        return words

    def _state(self, word: Token, holder: Ref) -> Party | None:
        """The state a word before a title names: 'Turkish', 'US', "Eritrea's"; inside a registry name the state
        named in it ("the former Iranian Foreign Minister X" is one registry name)."""
        ref = self.names.ref(word)
        if ref is not None and ref.kind == "state" and ref.key != holder.key:
            return Party(ref, word)
        nested = self.names.nested_at(word.idx)
        if nested is not None and nested.kind == "state":
            return Party(nested, word)
        state_name = self.lex.demonyms.get(word.lower_)
        key = self._states().get(state_name.lower()) if state_name is not None and ref is not None else None
        return Party(Ref(key, "state", "demonym"), word) if key is not None else None

    def _states(self) -> dict[str, str]:
        """State name -> the key the text's other words gave it, for a demonym inside a registry name."""
        if self._state_keys is None:
            self._state_keys = {}
            for i, ref in self.names.refs.items():
                word = self.doc[i].lower_
                name = (self.lex.demonyms.get(word) or word).lower()
                if ref.kind == "state" and name in self.lex.states:
                    self._state_keys.setdefault(name, ref.key)
        return self._state_keys

    def _posts(self, people: Token) -> list[Party]:
        """The bodies a state's people are posted to: "diplomats stationed at the consulate in X"."""
        posts: list[Party] = []
        for participle in people.children:
            if participle.dep_ != "acl" or participle.lemma_.lower() not in POSTED:
                continue
            for prep in participle.children:
                if prep.dep_ == "prep" and prep.lower_ in ("at", "in", "to", "with"):
                    posts += [
                        Party(ref, obj)
                        for obj in prep.children
                        if obj.dep_ == "pobj" and (ref := self.names.ref(obj)) is not None and ref.kind == "organ"
                    ]
        return posts

    def _posted(self, described: Described, posts: list[Party], sentence: Span) -> Iterator[Proposal]:
        """The people are members of the body they are posted to, and that body, of their state: the text says the
        narrower thing ("Iranian diplomats stationed at the consulate in X": the consulate is Iran's)."""
        people = Party(Ref(described.key, described.kind), self.doc[described.head])
        state = Party(described.owner, self.doc[described.owner_token])
        member, part = Frame("memberOf", ("prep:at",), None, 0.55), Frame("partOf", ("poss",), None, 0.5)
        for post in posts:
            yield _structure(self.qualifiers.proposal(member, people, post, people.token, sentence, cue="posted-at"))
            if post.ref.key != state.ref.key:
                yield _structure(self.qualifiers.proposal(part, post, state, people.token, sentence, cue="posted-at"))

    def _described(self, described: Described, sentence: Span) -> Iterator[Proposal]:
        """ "Iran's intelligence minister" (official of Iran), "Iranian lawmakers" (members), "Russia's defence
        ministry" (part of Russia)."""
        head = self.doc[described.head]
        if head.lemma_.lower() in BODY_HEADS:
            predicate = "partOf"  # a ministry, each of "Iran's conservative and reformist factions"
        elif head.lower_ in STATE_PEOPLE:
            predicate = "memberOf"  # "Iranian lawmakers"
            posts = self._posts(head)
            if posts:
                yield from self._posted(described, posts, sentence)
                return
        elif head.lower_ in HEADS_OF_STATE or _prime_minister(head):
            return  # "Syria's president" is a person the text names elsewhere: who leads is said with the name
        else:
            predicate = "officialOf"  # "Iran's intelligence minister"
        frame = Frame(predicate, ("poss",), None, 0.55)
        subject = Party(Ref(described.key, described.kind), head)
        owner = Party(described.owner, self.doc[described.owner_token])
        proposal = self.qualifiers.proposal(frame, subject, owner, head, sentence, cue=f"described:{head.lower_}")
        yield _structure(proposal)


def _structure(proposal: Proposal) -> Proposal:
    """Who holds a state's office, what belongs to a state: the writer's description, not a claim of the clause
    it stands in ("Iranian lawmakers commended ..." is no report by Iran), nor an event of the sentence's date."""
    return replace(proposal, certainty="stated", attributed_to=(), at=None, start_time=None, end_time=None, place=None)


def _prime_minister(title: Token) -> bool:
    return title.lower_ == "minister" and title.i > 0 and title.doc[title.i - 1].lower_ == "prime"
