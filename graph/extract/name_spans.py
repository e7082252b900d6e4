"""Where the names are in a parsed text: NER names widened to the proper-noun compounds they head, and
proper-noun compounds NER missed; cut at possessives, split on coordination, trimmed of articles and titles.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from actorgraph.graph.candidates import new_entity_key
from actorgraph.graph.extract.base import Mention
from actorgraph.graph.extract.lexicon import Lexicon
from actorgraph.graph.extract.mentions import Gazetteer, name_key
from actorgraph.graph.extract.name_refs import KIND_OF_CLASS, Described, Names, NewName, Ref, kind_of

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
PARTICLES = frozenset({"i", "e", "al", "ul", "el", "ur", "ud", "bin", "ibn", "-"})
FOOTNOTE_MARKS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")
LEADING_WORDS = frozenset({"the", "mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr."})
ACRONYM = re.compile(r"[A-Z][A-Za-z]*[A-Z]+[a-z]?")
# One token of a transliterated name that opens with a lower-case article or ezafe: "al-'Adl", "ul-Haq", "e-Taiba".
PARTICLE_WORD = re.compile(r"(?:al|ul|el|ar|ash|as|ad|ud|ur|e|i|wal)-['’`]?[A-Z]\w*")
# Plural nouns that take a possessive inside an organisation's name: "Uganda People's Defence Force".
NAME_POSSESSORS = frozenset({"people", "peoples", "workers", "martyrs", "women", "farmers", "mothers", "nations"})
# Lower-case heads that make a place's or a person's name a faction's: "the Kabul circle", "the Haqqani network".
GROUP_TAILS = frozenset({"circle", "shura", "network", "faction", "wing", "clan"})
# Institutions named after what they belong to: "the Political Bureau of the Taliban", "Mausoleum of X".
PLACE_OF_HEADS = frozenset({"mausoleum", "shrine", "tomb"})
MISSION_HEADS = frozenset({"embassy", "consulate", "mission"})  # "the UN Support Mission in Libya" too
# Capitalised words that only qualify a title: "High Representative", "Special Envoy", "Field Marshal".
TITLE_QUALIFIERS = frozenset(
    {"high", "special", "deputy", "senior", "vice", "acting", "chief", "supreme", "grand", "field", "first", "foreign",
     "defence", "defense", "interior", "finance", "prime", "executive", "regional", "national"}
)  # fmt: skip
OF_HEADS = PLACE_OF_HEADS | {"bureau", "committee", "wing", "office", "commission"}


def name_spans(doc: Doc, lexicon: Lexicon) -> list[Span]:
    """NER names, widened to the proper-noun compound they head ("Tehrik-i-Taliban Pakistan"), plus such
    compounds NER missed; cut at a possessive ("Iran's IRGC" is two names)."""
    units = [u for u in (_compound_unit(doc, t, lexicon) for t in doc) if u is not None]
    spans: list[tuple[int, int]] = []
    for ent in doc.ents:
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
    for start, end in sorted({(s, _extend_right(doc, e)) for s, e in spans}):
        if result and start < result[-1].end:
            continue  # already inside the name before, widened
        if result and _joined_by_of(doc, result[-1], start, lexicon):
            result[-1] = doc[result[-1].start : end]
            continue
        if start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in PLACE_OF_HEADS:
            start -= 2  # "the mausoleum of Ayatollah Khomeini" names a place even in lower case
        result.extend(part for cut in _cut_at_possessives(doc[start:end]) for part in _cut_before_titled(cut, lexicon))
    return result


def _cut_before_titled(span: Span, lexicon: Lexicon) -> list[Span]:
    """'the Libyan National Army of General Khalifa Haftar' is two names: a body, and the person it is "of" (a
    place named after a person stays one name)."""
    for t in span[1:-1]:
        after = span.doc[t.i + 1]
        named_after = span.doc[t.i - 1].lower_ in PLACE_OF_HEADS  # "the Mausoleum of Ayatollah X" is one place
        if t.lower_ == "of" and after.text[:1].isupper() and after.lower_ in lexicon.titles and not named_after:
            return [span.doc[span.start : t.i], span.doc[t.i + 1 : span.end]]
    return [span]


def _joined_by_of(doc: Doc, before: Span, start: int, lexicon: Lexicon) -> bool:
    """'the Political Bureau' + 'of the' + 'Taliban': an institution named after whom it belongs to (not a state's
    ministry: "the Ministry of Defence of Pakistan" stays with the state); 'the Afghan Embassy' + 'in' + 'Tehran':
    a mission named with its seat."""
    link = before.end
    if len(before) > 1 and before[-1].lower_ in ("in", "of"):
        link -= 1  # NER took the preposition into the name before: "United Nations Assistance Mission in"
    if link >= len(doc) or not doc[link - 1].text[:1].isupper():
        return False
    head, word = doc[link - 1].lower_, doc[link].lower_
    if not ((word == "of" and head in OF_HEADS) or (word == "in" and head in MISSION_HEADS)):
        return False
    after = link + 1 + (word == "of" and link + 1 < len(doc) and doc[link + 1].lower_ == "the")
    if after != start:
        return False
    owner = doc[start].lower_
    return word == "in" or (
        owner not in lexicon.states and owner not in lexicon.demonyms and owner not in lexicon.capitals
    )


def _extend_right(doc: Doc, end: int) -> int:
    """Over the rest of a transliterated name NER cut short: "Jama'at Nusrat al-Islam wal-Muslimin"."""
    while end < len(doc):
        t = doc[end]
        hyphen = t.text in ("-", "–") and doc[end - 1].whitespace_ == "" and t.whitespace_ == ""
        particle = t.lower_ in PARTICLES | {"wal", "wa"} and end + 1 < len(doc) and doc[end + 1].text in ("-", "–")
        name_part = t.pos_ == "PROPN" and t.text[:1].isupper() and t.ent_iob_ != "B" and t.is_alpha
        joined_part = PARTICLE_WORD.fullmatch(t.text) is not None and doc[end - 1].whitespace_ != ""
        tail = t.lower_ in GROUP_TAILS and t.pos_ == "NOUN" and doc[end - 1].dep_ == "compound"
        if not (hyphen or particle or joined_part or tail or (name_part and doc[end - 1].text in ("-", "–"))):
            break
        end += 1
        if tail:
            break  # "the Kabul circle": the head ends the name
    return end


def _compound_unit(doc: Doc, head: Token, lexicon: Lexicon) -> Span | None:
    """A proper noun with the proper nouns, hyphens and particles compounded to its left, stopping at titles."""
    particle_head = PARTICLE_WORD.fullmatch(head.text) is not None  # "al-Shabaab" in lower case is still a name
    if (head.pos_ != "PROPN" and not particle_head) or head.ent_type_ in (
        "DATE",
        "TIME",
        "CARDINAL",
        "ORDINAL",
        "MONEY",
        "PERCENT",
    ):
        return None
    if head.dep_ in ("compound", "flat", "nmod") and head.head.pos_ == "PROPN" and head.head.i > head.i:
        return None  # not the head of its compound
    left = head.i
    j = head.i - 1
    while j >= 0:
        t = doc[j]
        hyphen_left = j > 0 and doc[j - 1].text in ("-", "–")
        joined = t.text in ("-", "–") or doc[j + 1].text in ("-", "–") or t.whitespace_ == "" or hyphen_left
        if hyphen_left and j > 1 and doc[j - 2].is_lower and t.text[:1].isupper():
            break  # "anti-Taliban Northern Alliance": the prefixed name is not part of the next one
        name_part = t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in lexicon.titles
        # "Islamic State Sahel Province": a capitalised adjective inside a name (a demonym before one stays apart)
        name_part = name_part or (
            t.pos_ == "ADJ" and t.text[:1].isupper() and not t.is_sent_start and t.lower_ not in lexicon.demonyms
        )
        particle = t.lower_ in PARTICLES and joined
        slash = t.text == "/" and t.whitespace_ == "" and j > 0 and doc[j - 1].whitespace_ == ""  # "Al-Nusrah/Al-Qaeda"
        if not (name_part or particle or slash or (t.text in ("-", "–") and t.whitespace_ == "")):
            break
        if t.dep_ not in ("compound", "flat", "nmod", "punct", "amod") and not particle:
            break
        left = j
        j -= 1
    while left < head.i and not doc[left].text[:1].isupper():
        left += 1
    unit = doc[left : head.i + 1]
    known = head.lower_ in lexicon.states or head.lower_ in lexicon.capitals  # a state's name even opening a sentence
    if len(unit) == 1 and not ((_standalone(head) or known) and not head.ent_type_):
        return None
    return unit if head.text[:1].isupper() or particle_head else None


def _cut_at_possessives(span: Span) -> list[Span]:
    parts: list[Span] = []
    start = span.start
    for t in span:
        if ((t.dep_ == "case" or t.text in ("'s", "’s")) and not _inside_name(t)) or (t.is_space and "\n" in t.text):
            if t.i > start:
                parts.append(span.doc[start : t.i])
            start = t.i + 1
    if span.end > start:
        parts.append(span.doc[start : span.end])
    return parts


def _inside_name(possessive: Token) -> bool:
    """ "People's" in "Uganda People's Defence Force" belongs to the name; "Iran's" in "Iran's IRGC" does not."""
    doc = possessive.doc
    before = doc[possessive.i - 1] if possessive.i > 0 else None
    after = doc[possessive.i + 1] if possessive.i + 1 < len(doc) else None
    return before is not None and after is not None and before.lower_ in NAME_POSSESSORS and after.text[:1].isupper()


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
        if t.is_sent_start or t.is_space or any(ch in FOOTNOTE_MARKS for ch in t.text) or t.text in (".", "!", "?"):
            end = t.i  # "population.¹¹ Nevertheless": a footnote mark or a full stop ends the name
            break
    while start < end and (
        doc[start].dep_ == "det"
        or doc[start].is_punct
        or doc[start].lower_ in LEADING_WORDS
        or doc[start].lower_ in lexicon.titles
        or doc[start].lower_ in lexicon.roles
        or (doc[start].lower_ in ("of", "former") and start > span.start)
        or _qualified_title(doc, start, end, lexicon)
    ):
        start += 1
    while end > start and (doc[end - 1].dep_ == "case" or doc[end - 1].is_punct or doc[end - 1].text in ("'s", "’s")):
        end -= 1
    if end - start > 1 and doc[start].lower_ in SECT_WORDS and end < len(doc) and doc[end].lower_ in ("and", "or"):
        start += 1  # "the Shiite Turi and Bangash": both are Shiite; the names are Turi and Bangash
    return doc[start:end]


def _qualified_title(doc: Doc, start: int, end: int, lexicon: Lexicon) -> bool:
    """A title's qualifier opening a span: "Field" in "Field Marshal X", "High" in "High Representative" (a title
    alone is no name: with it gone, the title goes too)."""
    after = start + 1
    return (
        doc[start].lower_ in TITLE_QUALIFIERS
        and after < end
        and (
            doc[after].lower_ in lexicon.titles
            or doc[after].lower_ in lexicon.roles
            or _qualified_title(doc, after, end, lexicon)
        )
    )


def _standalone(token: Token) -> bool:
    """A lone proper noun is a name unless it only opens the sentence (where any word is capitalised)."""
    return (not token.is_sent_start and len(token.text) >= 3) or ACRONYM.fullmatch(token.text) is not None


# -- groups and organs the text describes rather than names: "Afghan refugees", "the US military"

DESCRIBED_CONFIDENCE = 0.4  # a description ("Afghan refugees") is less surely one entity than a name is

# A state's organ named by its demonym: "the US military", "Afghan security forces", "Russian intelligence services".
ORGAN_HEADS = frozenset({"military", "forces", "force", "army", "navy", "police", "troops", "services", "guard"})
ORGAN_MODIFIERS = frozenset(
    {"security", "armed", "intelligence", "special", "air", "border", "naval", "defence", "defense", "regular"}
)
# People a text treats as one collective actor: "Afghan refugees", "Iranian lawmakers", "the Afghan diaspora community".
COMMUNITY_HEADS = frozenset({"refugees", "migrants", "immigrants", "exiles", "diaspora", "community", "communities"})
GROUP_HEADS = frozenset(
    {"diplomats", "lawmakers", "militants", "fighters", "rebels", "insurgents", "jihadists", "mercenaries",
     "volunteers", "tribesmen", "dissidents"}
)  # fmt: skip
# Heads that describe a group only after a qualifying noun: "Afghan opposition leaders", not "Iranian leaders".
QUALIFIED_HEADS = frozenset({"leaders", "figures", "groups", "elements"})
BORDER_HEADS = frozenset({"border", "frontier", "boundary"})
OFFICE_NOUNS = frozenset(
    {"minister", "president", "ambassador", "envoy", "spokesman", "spokesperson", "governor", "chief"}
)
# A state's bodies a text names by their state and portfolio or leaning: "Russia's defence ministry", "the Moroccan
# foreign ministry", "Iran's hardline faction", "Iran's conservative and reformist factions" (one body each).
BODY_HEADS = {"ministry": "Ministry", "faction": "Faction", "wing": "Faction", "camp": "Faction"}
# Descriptions that say whom they belong to: an office holder, a state's people in one role, a state's body.
# Forces, troops and refugees stay out: a text has the state act through its forces, and refugees are no part of it.
STATE_PEOPLE = frozenset({"lawmakers", "diplomats", "legislators", "parliamentarians", "senators"})
# Words of faith or sect before coordinated names apply to all of them: "the Shiite Turi and Bangash".
SECT_WORDS = frozenset({"shiite", "shia", "sunni", "sufi", "salafi", "alawite", "ismaili", "christian", "muslim"})


def described_spans(doc: Doc, lexicon: Lexicon) -> list[tuple[Span, str, Token]]:
    """Phrases that stand for one actor or place without being a proper name, with a class: a state's organ by its
    demonym, a collective of people by their origin, a border between two named places ("the Syria-Turkey border");
    each with its head noun."""
    found: list[tuple[Span, str, Token]] = []
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN") or not token.is_lower:
            continue
        word = token.lower_
        if word in BORDER_HEADS:
            span = _border(token)
            if span is not None:
                found.append((span, "Border", token))
            continue
        if word in OFFICE_NOUNS or token.lemma_.lower() in BODY_HEADS:
            span = _state_office(token, lexicon) if not _coordinated_bodies(token, lexicon) else None
            if span is not None:
                found.append((span, "Person" if word in OFFICE_NOUNS else BODY_HEADS[token.lemma_.lower()], token))
            continue
        named_event = _named_event(token, lexicon)
        if named_event is not None:
            found.append((named_event, lexicon.name_heads[word], token))  # "the Luanda process", "the Minsk accords"
            continue
        if word == "community" and token.i > 0 and token.doc[token.i - 1].lower_ == "international":
            found.append((doc[token.i - 1 : token.i + 1], "Coalition", token))  # "the international community"
            continue
        modifiers = _left_modifiers(token)
        # "the second biggest Afghan diaspora community": the phrase starts at the origin
        while modifiers and not _origin(modifiers[0], lexicon):
            modifiers = modifiers[1:]
        if not modifiers:
            continue
        # "Central Asian militants": the words of one nationality are the origin, not a qualifier
        middle = [m for m in modifiers[1:] if not (m.ent_iob_ == "I" and m.ent_type_ == "NORP")]
        span = doc[modifiers[0].i : token.i + 1]
        if word in ORGAN_HEADS and all(m.lower_ in ORGAN_MODIFIERS for m in middle):
            if word == "services" and not any(m.lower_ == "intelligence" for m in middle):
                continue
            kind = "IntelligenceService" if any(m.lower_ == "intelligence" for m in middle) else "ArmedForce"
            if _state_word(modifiers[0], lexicon):
                found.append((span, kind, token))
        elif (word in COMMUNITY_HEADS or word in GROUP_HEADS or (word in QUALIFIED_HEADS and middle)) and all(
            m.pos_ == "NOUN" or m.is_lower for m in middle
        ):
            found.append((span, "Community" if word in COMMUNITY_HEADS else "Group", token))
    return found


def _named_event(head: Token, lexicon: Lexicon) -> Span | None:
    """A talks, process or accord noun named after a place: "the Luanda process", "the Jeddah talks"."""
    if KIND_OF_CLASS.get(lexicon.name_heads.get(head.lower_, "")) != "event" or head.i == 0:
        return None
    start = head.i
    while start > 0 and head.doc[start - 1].dep_ == "compound" and _proper(head.doc[start - 1]):
        start -= 1
    return head.doc[start : head.i + 1] if start < head.i else None


def _state_office(head: Token, lexicon: Lexicon) -> Span | None:
    """'Iran's intelligence minister', 'the Ethiopian foreign minister', "Russia's defence ministry": an office or body
    of a named state whose holder (or name) the text does not give."""
    doc = head.doc
    owner = _state_owner(head, lexicon)
    if owner is None or owner.i < head.i - 4:
        return None
    if any(c.dep_ in ("appos", "compound") and c.pos_ == "PROPN" for c in head.children) or (
        head.i + 1 < len(doc) and doc[head.i + 1].pos_ == "PROPN"
    ):
        return None  # "Pakistan's prime minister Shehbaz Sharif": the name is the entity
    if head.dep_ == "appos" and head.head.pos_ == "PROPN":
        return None  # "Andrei Belousov, Russia's defence minister": the apposition describes the named person
    between = doc[owner.i + 1 : head.i]
    if not all(t.text in ("'s", "’s") or (t.is_lower and t.pos_ in ("NOUN", "ADJ")) for t in between):
        return None
    return doc[_state_start(owner) : head.i + 1]


def _state_owner(head: Token, lexicon: Lexicon) -> Token | None:
    """The state word a description starts with: a possessor ("Iran's") or a demonym ("the Moroccan ...")."""
    owner = next((c for c in head.children if c.dep_ == "poss"), None)
    if owner is None:
        modifiers = _left_modifiers(head)
        owner = modifiers[0] if modifiers else None  # "the Moroccan foreign ministry", "the US defence secretary"
    return owner if owner is not None and _state_word(owner, lexicon) else None


def _coordinated_bodies(head: Token, lexicon: Lexicon) -> list[tuple[str, Span]]:
    """ "Iran's conservative and reformist factions": one body per coordinated adjective ("Iran's conservative
    faction", "Iran's reformist faction"), each named by its words in the text, the head in the singular."""
    if head.tag_ != "NNS" or head.lemma_.lower() not in BODY_HEADS:
        return []
    owner = _state_owner(head, lexicon)
    first = next((c for c in head.children if c.dep_ == "amod" and c.i > (owner.i if owner else head.i)), None)
    if owner is None or first is None or not any(c.dep_ == "cc" for c in first.children):
        return []
    adjectives = [first, *(c for c in first.conjuncts if c.pos_ == "ADJ" and c.i < head.i)]
    if len(adjectives) < 2 or not all(a.is_lower for a in adjectives):
        return []
    state = head.doc[_state_start(owner) : first.i].text
    return [(f"{state} {a.text} {head.lemma_.lower()}", head.doc[_state_start(owner) : head.i + 1]) for a in adjectives]


def _left_modifiers(head: Token) -> list[Token]:
    """The adjectives and nouns right before a head that modify it, leftmost first ("Afghan security" forces)."""
    modifiers: list[Token] = []
    i = head.i - 1
    while i >= 0 and head.doc[i].dep_ in ("amod", "compound", "nmod") and not head.doc[i].is_punct:
        modifiers.insert(0, head.doc[i])
        i -= 1
    return modifiers


def _origin(token: Token, lexicon: Lexicon) -> bool:
    """A word that says where people come from: a demonym ("Afghan", "US"), or an adjective NER calls a nationality."""
    if not token.text[:1].isupper():
        return False
    return _state_word(token, lexicon) or (token.pos_ == "ADJ" and token.ent_type_ == "NORP")


def _state_word(token: Token, lexicon: Lexicon) -> bool:
    word = token.lower_
    whole = token.doc[_state_start(token) : token.i + 1].text.lower()  # "Saudi Arabia", "Burkina Faso"
    return word in lexicon.demonyms or word in lexicon.states or whole in lexicon.states


def _state_start(token: Token) -> int:
    """Where a state's name ends by this word starts: "Saudi" for "Arabia" (its proper-noun compounds)."""
    start = token.i
    while start > 0 and token.doc[start - 1].dep_ == "compound" and token.doc[start - 1].head.i == token.i:
        start -= 1
    return start


def _border(head: Token) -> Span | None:
    """'the Afghanistan-Iran border' (two proper nouns joined by a hyphen before the head), 'the border between Iran
    and Afghanistan'."""
    doc = head.doc
    i = head.i
    if i >= 3 and doc[i - 2].text in ("-", "–") and all(_proper(doc[k]) for k in (i - 1, i - 3)):
        return doc[i - 3 : i + 1]
    between = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "between"), None)
    first = next((c for c in between.children if c.dep_ == "pobj"), None) if between is not None else None
    second = next((c for c in first.children if c.dep_ == "conj"), None) if first is not None else None
    if between is None or first is None or second is None or not (_proper(first) and _proper(second)):
        return None
    return doc[i : second.i + 1] if between.i == i + 1 and second.i == first.i + 2 else None


def _proper(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.text[:1].isupper()


def longer_spelling(doc: Doc, first: int, last: int, lexicon: Lexicon) -> Span | None:
    """A name with the place noun after it, a spelling of the same place: "Chabahar port", "Lubero territory"."""
    after = last + 1
    if after >= len(doc) or not doc[after].is_lower or doc[after].pos_ != "NOUN":
        return None
    kind_class = lexicon.name_heads.get(doc[after].lower_)
    if kind_class is None or KIND_OF_CLASS.get(kind_class) != "place":
        return None
    if after + 2 < len(doc) and doc[after + 1].lower_ == "of" and doc[after + 2].lower_ in lexicon.states:
        return doc[first : after + 3]  # "the Balochistan province of Pakistan"
    return doc[first : after + 1]


def add_described(doc: Doc, names: Names, lexicon: Lexicon, gazetteer: Gazetteer | None = None) -> None:
    """Longer spellings of new names as aliases ("Chabahar port"), and new-entity candidates for what the text
    describes rather than names ("Afghan refugees", "the US military", "the Afghanistan-Iran border"), or the
    registry entity such a description is a label of; a description that belongs to a state ("Iran's intelligence
    minister", "Iranian lawmakers") is kept with that state. What the words refer to in relations stays as resolved."""
    _add_longer_spellings(doc, names, lexicon)
    spelled = {n.lower() for new in names.new.values() for n in (new.name, *new.aliases)}
    described = [
        (span.text, span, kind_class, head, span[0]) for span, kind_class, head in described_spans(doc, lexicon)
    ]
    described += [
        (label, span, BODY_HEADS[t.lemma_.lower()], t, span[0])
        for t in doc
        for label, span in _coordinated_bodies(t, lexicon)
    ]
    described += [
        (label, span, "Group", t, origin) for t in doc for label, span, origin in _coordinated_origins(t, lexicon)
    ]
    for label, span, kind_class, head, owner in described:
        ref = names.refs.get(head.i)
        if ref is not None and ref.how == "name":
            if not ref.key.startswith("new:") and all(names.refs.get(t.i) == ref for t in span):
                _belongs(names, lexicon, gazetteer, owner, Ref(ref.key, ref.kind), head)  # "Iranian lawmakers"
            continue  # the head is part of a proper name
        if label.lower() in spelled:
            continue  # already a new name or one's alias ("Sudan-Chad" with its "Sudan-Chad border")
        known = _registry_entity(gazetteer, label)
        if known is not None:  # the registry has this description as a name of its own ("Iran's reformist faction")
            names.mentions.append(Mention(known.key, span.start_char, span.end_char, span.text, 0.8, "variant"))
            _belongs(names, lexicon, gazetteer, owner, known, head)
            continue
        key = new_entity_key(label)
        if key in names.new:
            names.new[key].count += 1
        else:
            names.new[key] = NewName(label, kind_class, span.start_char, span.end_char, DESCRIBED_CONFIDENCE, count=1)
        _belongs(names, lexicon, gazetteer, owner, Ref(key, KIND_OF_CLASS.get(kind_class, "group")), head)


def _coordinated_origins(head: Token, lexicon: Lexicon) -> list[tuple[str, Span, Token]]:
    """ "Ethiopian and Eritrean lawmakers": one group per coordinated demonym ("Ethiopian lawmakers", "Eritrean
    lawmakers"), each with the word that names its state."""
    if head.lower_ not in STATE_PEOPLE | GROUP_HEADS | COMMUNITY_HEADS or head.i < 3:
        return []
    first = next((c for c in head.children if c.dep_ == "amod" and _origin(c, lexicon)), None)
    if first is None:
        return []
    origins = [first, *(c for c in first.conjuncts if c.i < head.i)]
    between = {t.i for o in origins for t in o.subtree} | {head.i}
    if len(origins) < 2 or not all(_origin(o, lexicon) for o in origins):
        return []
    if any(i not in between for i in range(min(between), head.i)):
        return []  # "Ethiopian and Eritrean lawmakers" only, nothing else between the origins and the head
    span = head.doc[min(between) : head.i + 1]
    return [(f"{o.text} {head.text}", span, o) for o in origins]


def _registry_entity(gazetteer: Gazetteer | None, label: str) -> Ref | None:
    """The registry actor whose label or alias this description is, compared as the gazetteer compares names."""
    entries = gazetteer.index.get(name_key(label), []) if gazetteer is not None else []
    for entry in entries:
        kind = kind_of(gazetteer.entities[entry.entity].types) if gazetteer is not None else "other"
        if kind in ("person", "group", "organ"):
            return Ref(entry.entity, kind)
    return None


def _belongs(
    names: Names, lexicon: Lexicon, gazetteer: Gazetteer | None, owner: Token, described: Ref, head: Token
) -> None:
    """Keep a description that belongs to its state: an office ("minister"), a state's people in one role
    ("lawmakers"), a body ("ministry", "faction"); with the state its owner word (the first, mostly) names."""
    word = head.lower_
    if word not in OFFICE_NOUNS and word not in STATE_PEOPLE and head.lemma_.lower() not in BODY_HEADS:
        return
    ref = names.refs.get(owner.i)
    state = ref if ref is not None and ref.kind == "state" and ref.key != described.key else None
    if state is None:
        state = _state_ref(names, lexicon, gazetteer, owner)
    if state is not None:
        names.described.append(Described(described.key, described.kind, head.i, state, owner.i))


def _state_ref(names: Names, lexicon: Lexicon, gazetteer: Gazetteer | None, word: Token) -> Ref | None:
    """The state a demonym or state name inside a registry description stands for ("Iranian" in "Iranian lawmakers"):
    the registry's state, or the new state the text's other names already gave it."""
    state_name = lexicon.demonyms.get(word.lower_) or (word.text if word.lower_ in lexicon.states else None)
    if state_name is None:
        return None
    for entry in gazetteer.index.get(name_key(state_name), []) if gazetteer is not None else []:
        if gazetteer is not None and kind_of(gazetteer.entities[entry.entity].types) == "state":
            return Ref(entry.entity, "state", "demonym")
    key = new_entity_key(state_name)
    return Ref(key, "state", "demonym") if key in names.new else None


def _add_longer_spellings(doc: Doc, names: Names, lexicon: Lexicon) -> None:
    for key, first, last in _new_name_runs(doc, names):
        longer = longer_spelling(doc, first, last, lexicon)
        new = names.new[key]
        if longer is not None and longer.text not in new.aliases and longer.text != new.name:
            new.aliases.append(longer.text)


def _new_name_runs(doc: Doc, names: Names) -> list[tuple[str, int, int]]:
    """(key, first token, last token) of every stretch of text that names a new entity by name."""
    runs: list[tuple[str, int, int]] = []
    for token in doc:
        ref = names.refs.get(token.i)
        if ref is None or not ref.key.startswith("new:") or ref.how not in ("name", "acronym"):
            continue
        if runs and runs[-1][0] == ref.key and runs[-1][2] == token.i - 1:
            runs[-1] = (ref.key, runs[-1][1], token.i)
        elif ref.key in names.new:
            runs.append((ref.key, token.i, token.i))
    return runs
