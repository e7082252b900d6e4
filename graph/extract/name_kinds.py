"""What kind of thing a name names: a class for a name the registry lacks.

``suggest_type`` gives a new name a class: from the head noun in or right after it, a title, a
movement prefix, then the NER label. The coarse kinds (``kind_of``) live with ``Ref`` in
``name_refs`` and are re-exported here.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from actorgraph.graph.extract.lexicon import Lexicon
from actorgraph.graph.extract.name_refs import KIND_OF_CLASS as KIND_OF_CLASS
from actorgraph.graph.extract.name_refs import kind_of as kind_of
from actorgraph.graph.extract.qualifiers import PLACE_PREPOSITIONS  # where a claim happens is where a name is a place

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
# Kinds of the common nouns after a name that say what the name is ("Khost province", "the Turi tribe").
NAMING_HEAD_KINDS = frozenset({"place", "group"})
TAIL_CLASSES = {"state": "Province", "states": "Province"}
# Nouns for what a person is, in an apposition to a name.
PERSON_NOUNS = frozenset(
    {"diplomat", "journalist", "cleric", "official", "commander", "leader", "minister", "spokesman", "spokesperson",
     "envoy", "ambassador", "general", "president", "founder", "chief", "deputy", "activist", "scholar",
     "businessman", "politician", "warlord", "judge", "preacher", "colonel", "officer", "governor", "mayor",
     "head", "chairman", "representative", "secretary-general", "emir", "amir", "ruler", "adviser", "advisor"}
)  # fmt: skip
# Words that make a council a state's own ("National Security Council"), not an intergovernmental body.
STATE_COUNCIL_WORDS = frozenset(
    {"national", "supreme", "military", "transitional", "sovereignty", "presidential", "revolutionary", "state",
     "federal"}
)  # fmt: skip


def suggest_type(span: Span, lexicon: Lexicon) -> tuple[str, float]:
    """A class for a new name: head noun (in or right after it), title, movement prefix, then NER label."""
    lex = lexicon
    doc = span.doc
    words = [t.text.lower() for t in span]
    before = doc[span.start - 1] if span.start > 0 else None
    if _apposed_person(span):
        return "Person", 0.6  # "X, an Iranian diplomat", "X, the leader of Y"
    head_after = _head_noun_after(span, lexicon) or _apposed_noun(span, lexicon)
    if head_after is not None and KIND_OF_CLASS.get(_noun_class(head_after, lex)) in NAMING_HEAD_KINDS:
        # "Mes Aynak mine", "Khost and Paktika provinces", "Chinshwehaw, a trading town"; but "the Garissa
        # University attack" names a place, and "NATO forces" are the name's forces, not what it is
        return _noun_class(head_after, lex), 0.7
    if (before is not None and before.text.lower().rstrip(".") in lex.titles) or words[0].rstrip(".") in lex.titles:
        return "Person", 0.7
    for word in _head_order(words):  # the last head word rules: "National Directorate of Security"
        if word in lex.name_heads:
            head_class = lex.name_heads[word]
            if head_class == "ArmedGroup" and word == "army" and _has_state_word(words, lex) and len(words) <= 2:
                return "ArmedForce", 0.6  # "Pakistan Army" is the state's; "Syrian National Army" is not
            if head_class == "ArmedForce" and word in ("forces", "force", "army") and not _state_force(words, lex):
                return "ArmedGroup", 0.55  # "Syrian Democratic Forces"
            if head_class == "IntergovernmentalOrganization" and word == "council" and STATE_COUNCIL_WORDS & set(words):
                return "Government", 0.55  # "National Security Council", "Transitional Military Council"
            if KIND_OF_CLASS.get(head_class) == "place" and "state" in words[:-1] and len(words) >= 3:
                return "ArmedGroup", 0.55  # "Islamic State Sahel Province" is a branch, not a province
            return head_class, 0.7 if word in (words[-1], _head_order(words)[0]) else 0.55
    folded = [re.sub(r"['’`]", "", w) for w in words]
    if any(w in lex.group_prefixes or w.split("-")[0] in lex.group_prefixes for w in folded):
        return "ArmedGroup", 0.6  # "Jama'at Nusrat al-Islam", "Lashkar-e-Taiba", "Kataib Hezbollah"
    label = span.label_ or (span.root.ent_type_ if span.root.ent_type_ else "")
    if span.text.lower() in lex.states:
        return "State", 0.7  # whatever NER says of "Niger"
    if span.text.lower() in lex.capitals:
        return "City", 0.6  # a capital standing for its state was resolved before; here it is the city
    place_of = _place_noun_of(span, lex)
    if place_of is not None:
        return place_of, 0.6  # "the northern city of Mazar-i-Sharif", "the province of Idlib"
    in_place = _in_place(span.root)
    if label in ("PERSON", "") and _among_places(span.root, lex) and len(words) <= 2:
        return "City", 0.4  # NER's person coordinated with places; a group beside a capital stays a group
    if len(words) == 1 and words[0].endswith("stan") and len(words[0]) > 5:
        return "Region", 0.5  # "Waziristan", "Kurdistan": "-stan" names a land; the states among them are known
    if label == "PERSON" and before is not None and before.lower_ == "the":
        return ("Region", 0.4) if in_place else ("NonStateActor", 0.4)
    if label in ("PERSON", "ORG", "NORP", "") and in_place and len(words) <= 2:
        return "City", 0.4  # "in Logar", "in Maidan Wardak": NER's person or group is a place something happens in
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


def _head_order(words: list[str]) -> list[str]:
    """Words to look for a head noun in, the head first: the last word, but before "of" the word before it
    ("Political Bureau of the Polisario Front" is a bureau)."""
    if "of" in words[1:]:
        cut = words.index("of", 1)
        return [*reversed(words[:cut]), *reversed(words[cut + 1 :])]
    return list(reversed(words))


def _in_place(token: Token) -> bool:
    """The object of in/at/near, or a conjunct of one ("in Paktia, Khost and Logar")."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ in PLACE_PREPOSITIONS


def _among_places(token: Token, lexicon: Lexicon) -> bool:
    """Coordinated with a capital, a place noun or a place NER knows (not a state): "Kabul and Maidan Wardak",
    "the provinces and Gedo", "Gao, Menaka, Ansongo and Kidal"."""
    conjuncts = [token]
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
        conjuncts.append(token)
    conjuncts += [c for t in list(conjuncts) for c in t.children if c.dep_ == "conj" and c not in conjuncts]
    return any(
        t.lower_ in lexicon.capitals
        or KIND_OF_CLASS.get(lexicon.name_heads.get(t.lower_, "")) == "place"
        or (t.ent_type_ in ("GPE", "LOC") and t.lower_ not in lexicon.states)  # "Gao, Menaka and Ansongo"
        for t in conjuncts[1:]
    )


def _place_noun_of(span: Span, lexicon: Lexicon) -> str | None:
    """The class of a place noun before "of" and the name: "the city of X" is a city."""
    doc = span.doc
    if span.start < 2 or doc[span.start - 1].lower_ != "of":
        return None
    noun = doc[span.start - 2]
    kind_class = lexicon.name_heads.get(noun.lower_) if noun.is_lower else None
    return kind_class if kind_class is not None and KIND_OF_CLASS.get(kind_class) == "place" else None


def _noun_class(word: str, lexicon: Lexicon) -> str:
    """The class a common noun after a name gives it ("" if none): the lexicon's heads, and "state" as a province
    ("Rakhine and Chin states"; inside a name "State" is no province: "Islamic State")."""
    return lexicon.name_heads.get(word) or TAIL_CLASSES.get(word, "")


def _apposed_noun(span: Span, lexicon: Lexicon) -> str | None:
    """The head noun of an apposition that says what the name is: "Chinshwehaw, a trading town"."""
    for child in span.root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.is_lower and _noun_class(child.lower_, lexicon):
            return child.lower_
    return None


def _apposed_person(span: Span) -> bool:
    """An apposition whose head noun is what a person is: "Ali Kaya, a Turkish diplomat", "X, the former head of
    Y", "X, the AU's High Representative for Y" (a title in capitals is still a noun for a person)."""
    return any(
        c.dep_ == "appos" and c.pos_ in ("NOUN", "PROPN") and c.lemma_.lower() in PERSON_NOUNS
        for c in span.root.children
    )


def _head_noun_after(span: Span, lexicon: Lexicon) -> str | None:
    """The common noun right after a name, or after names coordinated with it ("Khost and Paktika provinces")."""
    doc = span.doc
    i = span.end
    while i < len(doc) and (doc[i].pos_ == "PROPN" or doc[i].lower_ in ("and", ",", "or", "-")):
        i += 1
    if i < len(doc) and doc[i].pos_ == "NOUN" and _noun_class(doc[i].lower_, lexicon):
        between = doc[span.end : i]
        if len(between) == 0 or between[0].lower_ in ("and", ",", "or"):
            return doc[i].lower_
    return None


def agentive(token: Token, lexicon: Lexicon) -> bool:
    """The subject of a verb that needs a will (supply, attack, say): a place name there stands for a state."""
    while token.dep_ == "conj":
        token = token.head
    verb = token.head
    lemma = verb.lemma_.lower()
    return token.dep_ == "nsubj" and (lemma in lexicon.verbs or lemma in lexicon.reporting)


def _state_force(words: list[str], lexicon: Lexicon) -> bool:
    """'Pakistani Armed Forces', 'Afghan Security Forces', 'Pakistan Army': a state's; other named forces are groups."""
    if any(w in ("armed", "security", "defence", "defense", "special", "air", "naval", "border") for w in words):
        return True
    return len(words) <= 2 and _has_state_word(words, lexicon)


def _has_state_word(words: list[str], lexicon: Lexicon) -> bool:
    return any(w in lexicon.states or w in lexicon.demonyms for w in words)
