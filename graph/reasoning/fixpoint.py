"""The OWL 2 RL rules of queries/rules evaluated in Python: semi-naive, round by round, over sets of pairs.

The rule files stay the definition. Each body is read with rdflib's SPARQL parser and compiled
into a conjunction of atoms: triple patterns, ``?l rdf:rest*/rdf:first ?m`` (list membership)
and ``FILTER(?a != ?b)``; a UNION becomes several conjunctions. The one rule whose body is not
of that form (cls-int1, which counts) has a hand-written equivalent here.

Why not SPARQL alone: every rule update in Oxigraph costs a fixed half millisecond, and each
conclusion costs microseconds to write, re-derived ones included, and again to find out whether
it was new. Here the triples are held per predicate as sets of (subject, object) pairs, so the
rules that make most conclusions (a sub-property's pairs copied under its super-property,
swapped for a symmetric or inverse property, one column typed by a domain or range) are set
operations in C, and what is new is a set difference per predicate; the other rules are loops
over dictionaries built per predicate when first needed. The store receives each round's new
triples once (python_closure_rounds writes them while the next round runs). The rounds are the same as
those of the SPARQL engine (round k reads what held before it, and seeds every rule with the
triples first inferred in round k-1), so the explanations can still be computed in SPARQL,
round by round, from the same graphs.

Terms are N-Triples strings (``<iri>``, ``"lexical"^^<datatype>``, ``_:id``), as the store dumps
them, so two terms are equal exactly when Oxigraph's terms are.
"""

from __future__ import annotations

import gc
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import itemgetter

from rdflib.paths import MulPath, SequencePath
from rdflib.term import URIRef, Variable

from actorgraph.graph.errors import KGError, UnsupportedRule
from actorgraph.graph.reasoning.rules import MAX_ROUNDS, Rule
from actorgraph.graph.store import GraphStore
from actorgraph.ontology.vocab import RDF

Triple = tuple[str, str, str]

TYPE, FIRST, REST = f"<{RDF}type>", f"<{RDF}first>", f"<{RDF}rest>"
INTERSECTION_OF = "<http://www.w3.org/2002/07/owl#intersectionOf>"
_first, _second = itemgetter(0), itemgetter(1)
_END = " .\n"  # the end of an N-Triples line


# ---------------------------------------------------------------------------- the indexes

Pair = tuple[str, str]
Round = dict[str, set[Pair]]  # new triples by predicate: predicate -> {(subject, object)}


class _SubjectIndex(dict[str, dict[str, set[str]]]):
    """Predicate, then subject, to objects: built for a predicate when first asked for.

    Many predicates are never looked up by subject (their pairs are copied or relabelled whole),
    and building this index costs a Python step per triple.
    """

    def __init__(self, pairs: dict[str, set[Pair]]) -> None:
        super().__init__()
        self.pairs = pairs

    def __missing__(self, predicate: str) -> dict[str, set[str]]:
        by_subject: dict[str, set[str]] = {}
        _add_by_subject(by_subject, self.pairs.get(predicate, ()))
        self[predicate] = by_subject  # kept up to date by TripleIndex.merge from now on
        return by_subject


class _ObjectIndex(dict[str, dict[str, set[str]]]):
    """Predicate, then object, to subjects: built for a predicate when first asked for."""

    def __init__(self, pairs: dict[str, set[Pair]]) -> None:
        super().__init__()
        self.pairs = pairs

    def __missing__(self, predicate: str) -> dict[str, set[str]]:
        by_object: dict[str, set[str]] = {}
        _add_by_object(by_object, self.pairs.get(predicate, ()))
        self[predicate] = by_object
        return by_object


class _ColumnIndex(dict[str, set[str]]):
    """Predicate to the distinct subjects (column 0) or objects (column 1) of its pairs: built when first asked for.

    prp-dom and prp-rng need only these, and distinct values are fewer than pairs (x rdf:type C
    would otherwise be derived once per edge of x).
    """

    def __init__(self, pairs: dict[str, set[Pair]], column: int) -> None:
        super().__init__()
        self.pairs = pairs
        self.column = itemgetter(column)

    def __missing__(self, predicate: str) -> set[str]:
        values = set(map(self.column, self.pairs.get(predicate, ())))
        self[predicate] = values  # kept up to date by TripleIndex.merge from now on
        return values


def _add_by_subject(by_subject: dict[str, set[str]], pairs: Iterable[Pair]) -> None:
    for s, o in pairs:
        objects = by_subject.get(s)
        if objects is None:
            by_subject[s] = {o}
        else:
            objects.add(o)


def _add_by_object(by_object: dict[str, set[str]], pairs: Iterable[Pair]) -> None:
    for s, o in pairs:
        subjects = by_object.get(o)
        if subjects is None:
            by_object[o] = {s}
        else:
            subjects.add(s)


def group(triples: Iterable[Triple]) -> Round:
    """Triples as pairs by predicate."""
    pairs: Round = {}
    for s, p, o in triples:
        of_p = pairs.get(p)
        if of_p is None:
            pairs[p] = {(s, o)}
        else:
            of_p.add((s, o))
    return pairs


def triples_of(pairs: Round) -> set[Triple]:
    """Pairs by predicate as triples again."""
    return {(s, p, o) for p, of_p in pairs.items() for s, o in of_p}


class TripleIndex:
    """Triples by predicate as sets of (subject, object) pairs; by subject (``spo``) and object (``pos``) on demand.

    The pairs are what most rules need whole: prp-spo1 copies a predicate's pairs under its
    super-property, prp-symp and prp-inv1 swap them, prp-dom and prp-rng take one column; all
    of that is set and iterator operations in C, while an index by subject costs a Python step
    per triple, so it is only built for the predicates a rule looks up.
    """

    def __init__(self, pairs: Round | None = None) -> None:
        self.pairs: Round = pairs if pairs is not None else {}
        self.spo = _SubjectIndex(self.pairs)
        self.pos = _ObjectIndex(self.pairs)
        self.subjects = _ColumnIndex(self.pairs, 0)
        self.objects = _ColumnIndex(self.pairs, 1)

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> TripleIndex:
        """The index of some triples (repeats count once)."""
        return cls(group(triples))

    def merge(self, other: TripleIndex) -> None:
        """Add the triples of another index, and to the by-subject and by-object indexes built so far."""
        for p, theirs in other.pairs.items():
            mine = self.pairs.get(p)
            if mine is None:
                self.pairs[p] = set(theirs)  # a copy: ours grows, theirs is the delta of one round
            else:
                mine |= theirs
            by_subject = self.spo.get(p)  # dict.get: an index not built yet stays unbuilt
            if by_subject is not None:
                _add_by_subject(by_subject, theirs)
            by_object = self.pos.get(p)
            if by_object is not None:
                _add_by_object(by_object, theirs)
            for column, their_column in ((self.subjects, other.subjects), (self.objects, other.objects)):
                values = column.get(p)
                if values is not None:
                    values |= their_column[p]  # theirs is asked for again in the next round: computed once

    def list_members(self, head: str) -> Iterator[str]:
        """The members of the RDF list starting at head (rdf:rest*/rdf:first), each cell once."""
        firsts, rests = self.spo[FIRST], self.spo[REST]
        cells, seen = [head], {head}
        while cells:
            cell = cells.pop()
            yield from firsts.get(cell, ())
            for following in rests.get(cell, ()):
                if following not in seen:
                    seen.add(following)
                    cells.append(following)

    def lists_with(self, member: str) -> Iterator[str]:
        """Every node from which rdf:rest*/rdf:first reaches member (each list and its tails)."""
        cells = list(self.pos[FIRST].get(member, ()))
        seen = set(cells)
        earlier = self.pos[REST]
        while cells:
            cell = cells.pop()
            yield cell
            for previous in earlier.get(cell, ()):
                if previous not in seen:
                    seen.add(previous)
                    cells.append(previous)


# ---------------------------------------------------------------------------- compiled rules


def _is_var(term: str) -> bool:
    return term.startswith("?")


@dataclass(frozen=True)
class Atom:
    """A triple pattern, or list membership (``?l rdf:rest*/rdf:first ?m``: s is the list, o the member)."""

    s: str
    p: str
    o: str
    member: bool = False

    def variables(self) -> set[str]:
        return {t for t in (self.s, self.p, self.o) if _is_var(t)}


@dataclass(frozen=True)
class Body:
    """One conjunction: atoms, pairs of variables that must differ, and the conclusion template."""

    atoms: tuple[Atom, ...]
    different: tuple[tuple[str, str], ...]
    head: Triple


Special = Callable[[TripleIndex, TripleIndex | None], Iterable[Triple]]


@dataclass(frozen=True)
class CompiledRule:
    """A rule as the Python engine runs it: conjunctive bodies, or a hand-written special."""

    id: str
    bodies: tuple[Body, ...] = ()
    special: Special | None = None


def _term(term: object) -> str:
    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, URIRef):
        return f"<{term}>"
    raise UnsupportedRule(f"unsupported term in a rule: {term!r}")


def _atom(s: object, p: object, o: object) -> Atom:
    if isinstance(p, SequencePath) and len(p.args) == 2:
        first_step, second_step = p.args
        if (
            isinstance(first_step, MulPath)
            and first_step.path == URIRef(RDF + "rest")
            and first_step.mod == "*"
            and second_step == URIRef(RDF + "first")
        ):
            return Atom(_term(s), FIRST, _term(o), member=True)
    return Atom(_term(s), _term(p), _term(o))


def _conjunctions(node: object) -> list[tuple[list[Atom], list[tuple[str, str]]]]:
    """The algebra of a rule body as a list of (atoms, inequalities), one per UNION branch."""
    from rdflib.plugins.sparql.parserutils import CompValue, Expr  # loads rdflib's SPARQL grammar: ~60 ms

    if not isinstance(node, CompValue):
        raise UnsupportedRule(f"unsupported body: {node!r}")
    if node.name == "BGP":
        return [([_atom(*t) for t in node.triples], [])]
    if node.name == "Extend":  # BIND(?a AS ?b), used by scm-eqc1/scm-eqp1 to name their premise
        return _conjunctions(node.p)
    if node.name == "Union":
        return _conjunctions(node.p1) + _conjunctions(node.p2)
    if node.name == "Filter":
        expr = node.expr
        if not (isinstance(expr, Expr) and expr.name == "RelationalExpression" and expr.op == "!="):
            raise UnsupportedRule("only FILTER(?a != ?b) is supported")
        pair = (_term(expr.expr), _term(expr.other))
        return [(atoms, [*different, pair]) for atoms, different in _conjunctions(node.p)]
    raise UnsupportedRule(f"unsupported body: {node.name}")


def _intersection_members(everything: TripleIndex, delta: TripleIndex | None) -> Iterator[Triple]:
    """cls-int1: x is a c when c owl:intersectionOf (m1 … mn) and x is of every mi."""
    if not everything.pairs.get(INTERSECTION_OF):
        return
    intersections = everything.spo[INTERSECTION_OF]
    types = everything.spo[TYPE]
    members_of = {(c, head): set(everything.list_members(head)) for c, heads in intersections.items() for head in heads}
    if delta is None or FIRST in delta.pairs or REST in delta.pairs or INTERSECTION_OF in delta.pairs:
        candidates: Iterable[str] = types.keys()  # the lists or the axioms changed: try everyone
    else:
        wanted = set().union(*members_of.values())
        candidates = {x for m in wanted for x in delta.pos[TYPE].get(m, ())}
    for x in candidates:
        held = types.get(x, set())
        for (c, _head), members in members_of.items():
            if members and members <= held:
                yield x, TYPE, c


SPECIALS: dict[str, Special] = {"cls-int1": _intersection_members}


@cache
def compile_rule(rule_id: str, sparql: str) -> CompiledRule:
    """A rule file's CONSTRUCT as conjunctive bodies (or its special, for cls-int1)."""
    if rule_id in SPECIALS:
        return CompiledRule(rule_id, special=SPECIALS[rule_id])
    from rdflib.plugins.sparql import prepareQuery  # rdflib's SPARQL grammar costs ~60 ms: only when compiling

    algebra = prepareQuery(sparql).algebra
    (head,) = algebra.template
    head_triple = (_term(head[0]), _term(head[1]), _term(head[2]))
    project = algebra.p
    bodies = tuple(Body(tuple(atoms), tuple(different), head_triple) for atoms, different in _conjunctions(project.p))
    for body in bodies:
        bound = {v for atom in body.atoms for v in atom.variables()}
        used = {t for t in body.head if _is_var(t)} | {v for pair in body.different for v in pair}
        if not used <= bound:  # a BIND, ignored above, must only name what a pattern binds anyway
            raise UnsupportedRule(f"rule {rule_id}: {', '.join(sorted(used - bound))} bound by no triple pattern")
    return CompiledRule(rule_id, bodies=bodies)


# ---------------------------------------------------------------------------- evaluation plans
#
# A plan is an order of the atoms: with a seed, the seed atom is matched against the delta
# (the triples first inferred in the last round) and the others against everything. A plan is
# turned into the source of a Python function of nested loops, one per atom, and compiled once:
# a generic matcher that copies bindings costs about five times more per conclusion. When the
# last atom leaves both its subject and object free, its pairs are taken whole (_whole_pairs).


@dataclass(frozen=True)
class Plan:
    """Atoms in evaluation order, each with the index it reads ("E" everything, "D" the delta)."""

    body: Body
    order: tuple[tuple[int, str], ...]
    predicates_first: str | None = None  # a predicate variable bound from the delta's predicates first


def _score(atom: Atom, bound: set[str]) -> float:
    """How selective an atom is once some variables are bound (higher runs earlier)."""
    if atom.member:
        return 1.5 if (atom.s in bound or not _is_var(atom.s) or atom.o in bound) else -1.0
    known = [not _is_var(t) or t in bound for t in (atom.s, atom.p, atom.o)]
    return sum(known) + (0.5 if known[1] else 0.0)


@cache  # asked for every body, seed and round: on a small graph planning cost a fifth of the closure
def plan(body: Body, seed: int | None) -> Plan:
    """The seed atom first (after the schema atoms its predicate variable binds), then greedily the most bound."""
    bound: set[str] = set()
    rest = list(range(len(body.atoms)))
    order: list[tuple[int, str]] = []
    predicates_first = None

    def take(i: int, index: str) -> None:
        rest.remove(i)
        order.append((i, index))
        bound.update(body.atoms[i].variables())

    if seed is not None:
        atom = body.atoms[seed]
        if _is_var(atom.p):
            predicates_first = atom.p
            bound.add(atom.p)
            while True:  # the schema atoms the predicate binds are cheaper to check first
                others = [i for i in rest if i != seed]
                best = max(others, key=lambda i: _score(body.atoms[i], bound), default=None)
                if best is None or _score(body.atoms[best], bound) < 2:
                    break
                take(best, "E")
        take(seed, "D")
    while rest:
        take(max(rest, key=lambda i: _score(body.atoms[i], bound)), "E")
    return Plan(body, tuple(order), predicates_first)


class _Source:
    """Python source being written, with its indentation and the constants it refers to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1
        self.constants: dict[str, str] = {}
        self.innermost: tuple[str, str] | None = None

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def nest(self, text: str) -> None:
        self.line(text)
        self.depth += 1
        self.innermost = None

    def loop(self, name: str, iterable: str) -> None:
        """``for name in iterable:``, remembered while it is the innermost block."""
        self.nest(f"for {name} in {iterable}:")
        self.innermost = (name, iterable)

    def conclude(self, head: tuple[str, str, str]) -> None:
        """Add the conclusion to out; when the innermost block is a loop over the head's subject or object,
        add all of its conclusions at once (zip with repeat runs in C, a Python loop does not)."""
        s, p, o = head
        if self.innermost is not None and self.innermost[0] in (s, o) and self.innermost[0] != p:
            name, iterable = self.innermost
            self.lines.pop()
            self.depth -= 1
            columns = ", ".join(iterable if term == name else f"repeat({term})" for term in (s, o))
            self.line(f"out[{p}].update(zip({columns}))")
        else:
            self.line(f"out[{p}].add(({s}, {o}))")

    def const(self, term: str) -> str:
        return self.constants.setdefault(term, f"K{len(self.constants)}")


def _name(term: str, source: _Source) -> str:
    """The Python expression of a term: a local for a variable, a named constant otherwise."""
    return f"v_{term[1:]}" if _is_var(term) else source.const(term)


def _check_distinct_variables(atom: Atom) -> None:
    variables = [t for t in (atom.s, atom.p, atom.o) if _is_var(t)]
    if len(set(variables)) < len(variables):
        raise UnsupportedRule(f"a variable occurs twice in one triple pattern: {atom.s} {atom.p} {atom.o}")


def _pattern_loops(atom: Atom, index: str, bound: set[str], needed: set[str], out: _Source) -> None:
    """Nested loops (or tests) that bind the atom's free variables; bound ones are looked up."""
    s, p, o = atom.s, atom.p, atom.o
    s_, p_, o_ = (_name(t, out) for t in (s, p, o))  # the terms' Python names
    known_s, known_o = not _is_var(s) or s in bound, not _is_var(o) or o in bound
    want_s, want_o = _is_var(s) and s in needed, _is_var(o) and o in needed
    if _is_var(p) and p not in bound:
        out.nest(f"for {p_} in {index}_pairs:")
    if known_s:
        objects = f"{index}_spo[{p_}].get({s_})"
        if known_o:
            out.nest(f"if {o_} in ({objects} or ()):")
        elif want_o:
            out.nest(f"for {o_} in {objects} or ():")  # a few objects: a Python loop is cheaper
        else:
            out.nest(f"if {objects}:")
    elif known_o:
        if want_s:
            out.loop(s_, f"{index}_pos[{p_}].get({o_}, ())")
        else:
            out.nest(f"if {o_} in {index}_pos[{p_}]:")
    elif want_s and want_o:
        out.nest(f"for {s_}, {o_} in {index}_pairs.get({p_}, ()):")
    elif want_s:
        out.loop(s_, f"{index}_spo[{p_}]")  # each subject once: what follows runs once per subject
    elif want_o:  # objects with repeats: cheaper than building the object index for this predicate
        out.loop(o_, f"map(_second, {index}_pairs.get({p_}, ()))")
    else:
        out.nest(f"if {index}_pairs.get({p_}):")


def _whole_pairs(atom: Atom, index: str, bound: set[str], head: Triple, out: _Source) -> bool:
    """The last atom, when both its subject and object are free: the conclusions of all its pairs at once.

    The pairs are copied (head ``?s P ?o``), swapped (``?o P ?s``) or reduced to one column
    (``?o rdf:type C``) by set and iterator operations in C: prp-spo1, prp-symp, prp-inv1/2,
    prp-dom and prp-rng, the rules that make most of the conclusions, never loop in Python.
    Returns False (writing nothing) when the atom is not of that form.
    """
    s, p, o = atom.s, atom.p, atom.o
    if atom.member or not (_is_var(s) and _is_var(o)) or s in bound or o in bound or head[1] in (s, o):
        return False
    pairs = "_pp"
    p_ = _name(p, out)
    if _is_var(p) and p not in bound:
        out.nest(f"for {p_}, {pairs} in {index}_pairs.items():")
    else:
        out.line(f"{pairs} = {index}_pairs.get({p_})")
        out.nest(f"if {pairs}:")
    column = {s: f"map(_first, {pairs})", o: f"map(_second, {pairs})"}
    hs, hp, ho = (_name(t, out) for t in head)
    if (head[0], head[2]) == (s, o):
        out.line(f"out[{hp}].update({pairs})")
    elif head[0] in column and head[2] in column:
        out.line(f"out[{hp}].update(zip({column[head[0]]}, {column[head[2]]}))")
    elif head[0] in column:
        values = f"{index}_{'subjects' if head[0] == s else 'objects'}[{p_}]"
        _one_column(values, f"E_pos.get({hp})", ho, f"zip(_col, repeat({ho}))", hp, out)
    elif head[2] in column:
        values = f"{index}_{'subjects' if head[2] == s else 'objects'}[{p_}]"
        _one_column(values, f"E_spo.get({hp})", hs, f"zip(repeat({hs}), _col)", hp, out)
    else:  # the conclusion does not depend on the pair: one is enough
        out.line(f"out[{hp}].add(({hs}, {ho}))")
    return True


def _one_column(values: str, built_index: str, key: str, conclusions: str, predicate: str, out: _Source) -> None:
    """Conclusions from the distinct values of one column of the pairs (prp-dom's subjects, prp-rng's objects),
    less those the conclusion already holds for when that index of everything is built: making a
    tuple for each re-derived x rdf:type C costs more than the rest of the rule."""
    out.line(f"_known = {built_index}")
    out.line(f"_col = {values}.difference(_known.get({key}, ())) if _known else {values}")
    out.line(f"out[{predicate}].update({conclusions})")


def _member_loops(atom: Atom, bound: set[str], out: _Source) -> None:
    l_, m_ = _name(atom.s, out), _name(atom.o, out)  # the terms' Python names
    if not _is_var(atom.s) or atom.s in bound:
        if not _is_var(atom.o) or atom.o in bound:
            out.nest(f"if {m_} in set(E.list_members({l_})):")
        else:
            out.nest(f"for {m_} in set(E.list_members({l_})):")
    elif not _is_var(atom.o) or atom.o in bound:
        out.nest(f"for {l_} in set(E.lists_with({m_})):")
    else:
        raise UnsupportedRule(f"list membership {atom.s} {atom.o} with neither the list nor the member bound")


def generate(plan_: Plan) -> tuple[str, dict[str, str]]:
    """The source of ``def run(E, D, out)`` adding every conclusion of the plan to out (pairs by predicate)."""
    body = plan_.body
    out = _Source()
    out.line("E_spo, E_pos, E_pairs, E_subjects, E_objects = E.spo, E.pos, E.pairs, E.subjects, E.objects")
    out.line("if D is not None:")
    out.line("    D_spo, D_pos, D_pairs, D_subjects, D_objects = D.spo, D.pos, D.pairs, D.subjects, D.objects")
    for atom in body.atoms:
        _check_distinct_variables(atom)
    bound: set[str] = set()
    pending = list(body.different)
    head_vars = {t for t in body.head if _is_var(t)}
    if plan_.predicates_first:
        out.nest(f"for {_name(plan_.predicates_first, out)} in D_pairs:")
        bound.add(plan_.predicates_first)
    for position, (i, index) in enumerate(plan_.order):
        atom = body.atoms[i]
        last = position == len(plan_.order) - 1
        if last and not pending and _whole_pairs(atom, index, bound, body.head, out):
            break
        later = {v for j, _ in plan_.order[position + 1 :] for v in body.atoms[j].variables()}
        needed = later | head_vars | {v for pair in pending for v in pair}
        if atom.member:
            _member_loops(atom, bound, out)
        else:
            _pattern_loops(atom, index, bound, needed, out)
        bound |= atom.variables()
        for pair in [pair for pair in pending if set(pair) <= bound]:
            pending.remove(pair)
            out.nest(f"if {_name(pair[0], out)} != {_name(pair[1], out)}:")
        if last:
            head = (_name(body.head[0], out), _name(body.head[1], out), _name(body.head[2], out))
            out.conclude(head)  # literal subjects and non-IRI predicates are dropped by closure()
    constants = {name: term for term, name in out.constants.items()}
    return "def run(E, D, out):\n" + "\n".join(out.lines) + "\n", constants


Runner = Callable[["TripleIndex", "TripleIndex | None", "defaultdict[str, set[Pair]]"], None]


@cache
def _compiled(plan_: Plan) -> Runner:
    source, constants = generate(plan_)
    namespace: dict[str, object] = {
        **constants,
        "repeat": repeat,
        "_first": itemgetter(0),
        "_second": itemgetter(1),
    }
    exec(compile(source, f"<rule plan {plan_.body.head}>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["run"]  # type: ignore[return-value]


def _may_match(atom: Atom, index: TripleIndex) -> bool:
    """Whether some triple of the index can match the atom (by its predicate, and class for rdf:type)."""
    if atom.member:
        return FIRST in index.pairs or REST in index.pairs
    if _is_var(atom.p):
        return bool(index.pairs)
    if atom.p not in index.pairs:
        return False
    return _is_var(atom.o) or atom.p != TYPE or atom.o in index.pos[TYPE]


Found = defaultdict[str, set[Pair]]


def conclusions(body: Body, everything: TripleIndex, delta: TripleIndex | None, out: Found) -> None:
    """Add to out the conclusions of one body: all of them (delta None), or those using a triple of the delta."""
    if not all(_may_match(atom, everything) for atom in body.atoms if not atom.member):
        return  # some premise has nothing to match at all
    seeds: list[int | None] = [None]
    if delta is not None:
        matching = [i for i, atom in enumerate(body.atoms) if _may_match(atom, delta)]
        # a list changed: membership is not seeded, so evaluate in full
        seeds = [None] if any(body.atoms[i].member for i in matching) else list(matching)
    for seed in seeds:
        _compiled(plan(body, seed))(everything, delta, out)


# ---------------------------------------------------------------------------- the fixpoint


def rule_conclusions(rule: CompiledRule, everything: TripleIndex, delta: TripleIndex | None, out: Found) -> None:
    """Add to out the conclusions of a rule in a round (delta None: the first round, everything is new)."""
    if rule.special is not None:
        for s, p, o in rule.special(everything, delta):
            out[p].add((s, o))
    for body in rule.bodies:
        conclusions(body, everything, delta, out)


def closure(
    triples: Iterable[Triple],
    rules: Iterable[CompiledRule],
    max_rounds: int,
    on_round: Callable[[Round], None] | None = None,
) -> list[Round]:
    """Run the rules to a fixpoint over some triples; the triples first inferred in each round, in order.

    Each round is given as pairs by predicate (triples_of makes triples of it). on_round, when
    given, is called with each round's new triples as soon as they are known.
    Raises KGError when the fixpoint is not reached within max_rounds.
    """
    rules = tuple(rules)
    rounds: list[Round] = []
    with _no_cyclic_gc():
        everything = TripleIndex.of(triples)
        delta: TripleIndex | None = None
        while True:
            if len(rounds) == max_rounds:
                raise KGError(f"no fixpoint after {max_rounds} rounds")
            found: Found = defaultdict(set)
            for rule in rules:
                rule_conclusions(rule, everything, delta, found)
            new = new_pairs(found, everything)
            if not new:
                return rounds
            rounds.append(new)
            if on_round is not None:
                on_round(new)
            delta = TripleIndex(new)
            everything.merge(delta)


def new_pairs(found: Found, everything: TripleIndex) -> Round:
    """The conclusions not in everything yet, and only those that are RDF: no literal subject, an IRI predicate."""
    new: Round = {}
    for p, pairs in found.items():
        if p[0] != "<":  # a rule may bind a literal or a blank node where the predicate goes
            continue
        known = everything.pairs.get(p)
        fresh = pairs - known if known else pairs
        fresh = {pair for pair in fresh if pair[0][0] != '"'}
        if fresh:
            new[p] = fresh
    return new


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Hold off the cyclic garbage collector: the indexes are millions of small containers in no cycle,
    and allocating them would trigger full collections over and over (a third of the closure's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_ntriples(text: str) -> Iterator[Triple]:
    """Triples of N-Triples as Oxigraph writes it (one triple a line, single spaces, no comments)."""
    for line in text.splitlines():
        if line:
            s, p, o = line[:-2].split(" ", 2)
            yield s, p, o


def ntriples(pairs: Round) -> str:
    """Pairs by predicate as N-Triples: each pair joined around its predicate in C, no Python step per triple."""
    return "".join(_END.join(map(f" {p} ".join, of_p)) + _END for p, of_p in pairs.items() if of_p)


# ---------------------------------------------------------------------------- the driver


def graphs_ntriples(store: GraphStore, graphs: Iterable[str]) -> str:
    """The triples of some named graphs as one N-Triples text (a triple in two graphs appears twice)."""
    buffer = io.BytesIO()
    for graph in graphs:
        store.dump(buffer, "ntriples", graph=graph)
    return buffer.getvalue().decode("utf-8")


INLINE_WRITE = 1_000_000  # characters of N-Triples (about 10,000 triples) written without the writer thread


def python_closure_rounds(
    store: GraphStore,
    graphs: tuple[str, ...],
    rules: tuple[Rule, ...],
    write_to: Callable[[int], str],
    max_rounds: int = MAX_ROUNDS,
) -> list[int]:
    """The same rounds as the SPARQL engine's closure_rounds, computed in Python; returns their sizes.

    Round n is written into the graph write_to(n) by a second thread while the next rounds are
    computed: Oxigraph parses and stores without holding Python's lock, so on two cores the
    writing mostly overlaps the computing. Small rounds before the first large one are written
    directly (the rounds go to distinct graphs, or are sets of triples: their order does not
    matter). Raises KGError when the fixpoint is not reached within max_rounds.
    """
    asserted = parse_ntriples(graphs_ntriples(store, graphs))
    compiled = [compile_rule(rule.id, rule.sparql) for rule in rules]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="closure-writer") as writer:
        written: list[Future[None]] = []
        count = 0

        def write(pairs: Round) -> None:
            nonlocal count
            count += 1
            text, graph = ntriples(pairs), write_to(count)
            if written or len(text) > INLINE_WRITE:
                written.append(writer.submit(store.load, text, "ntriples", graph, trusted=True))
            else:  # the writer thread is started on its first task: on a small graph that costs more than it saves
                store.load(text, "ntriples", graph, trusted=True)

        rounds = closure(asserted, compiled, max_rounds, on_round=write)
        for future in written:
            future.result()  # a failed write raises here
    return [sum(map(len, pairs.values())) for pairs in rounds]
