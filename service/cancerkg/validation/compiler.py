"""SHACL shapes compiled into SPARQL SELECT queries that validate a whole graph at once.

pyshacl walks focus node by focus node in Python (700 s for 1M triples); the same constraints asked
as one query per shape and component run inside pyoxigraph in seconds. Each query is assembled from
the templates of cancerkg/sparql/shacl/ (one per kind of target, value set and constraint
component); the holes are filled with terms rendered by pyoxigraph, never pasted text. A shape
using anything not compiled here raises `NotCompiledError` and is left to pyshacl
(see sparql_engine).

The semantics follow pyshacl where it reads SHACL its own way (sh:languageIn, sh:datatype and
ill-typed literals, values that cannot be compared), so both engines give the same results.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from cancerkg.internal_queries import internal_query

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Parameters of core components not compiled (yet): a shape using one goes to pyshacl.
NOT_COMPILED = (SH.rule,)
PAIRS = {  # property pair components: (template, comparison, component)
    SH.equals: ("query-equals", "", SH.EqualsConstraintComponent),
    SH.disjoint: ("query-disjoint", "", SH.DisjointConstraintComponent),
    SH.lessThan: ("query-less-than", "<", SH.LessThanConstraintComponent),
    SH.lessThanOrEquals: ("query-less-than", "<=", SH.LessThanOrEqualsConstraintComponent),
}
COMPARISONS = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
NODE_KINDS = {  # (IRI, blank node, literal) allowed
    SH.IRI: (True, False, False),
    SH.BlankNode: (False, True, False),
    SH.Literal: (False, False, True),
    SH.BlankNodeOrIRI: (True, True, False),
    SH.BlankNodeOrLiteral: (False, True, True),
    SH.IRIOrLiteral: (True, False, True),
}
_PREFIX_NAME = re.compile(r"^[A-Za-z][\w.-]*$|^$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PROJECTION = re.compile(r"\bSELECT\b(.*?)(\bWHERE\b|\{)", re.IGNORECASE | re.DOTALL)

IllTyped = Callable[[ox.NamedNode], list[ox.Literal]]
"""The ill-typed literals of a datatype in the data (looked up by the engine)."""


class NotCompiledError(Exception):
    """A shape uses something this compiler does not turn into SPARQL; pyshacl validates it."""


class Sparql(str):
    """Text that is safe to put into a query: rendered terms, paths, filled templates."""


@dataclass(frozen=True)
class Check:
    """One query and what each of its rows reports."""

    query: str
    shape: Node
    component: URIRef
    severity: Node
    path: Node | None
    messages: tuple[Literal, ...]
    constraint: Node | None = None
    """The sh:sparql node of a SHACL-SPARQL constraint (its rows fill {?var} in messages)."""
    aliases: tuple[tuple[str, ox.Literal], ...] = ()
    """Literal target nodes as pyoxigraph answers them ("4.0"^^xsd:decimal comes back "4"),
    with the term the shapes wrote, which the report shows."""
    report_value: bool = True
    """Whether results carry the value node (pyshacl leaves it out for a few components)."""


@dataclass
class Plan:
    """The compiled checks, and the shapes (with targets) left to pyshacl, with the reason."""

    checks: list[Check] = field(default_factory=list)
    uncompiled: dict[Node, str] = field(default_factory=dict)
    compiled: list[Node] = field(default_factory=list)
    focus: list[tuple[ox.NamedNode, Sparql]] = field(default_factory=list)
    """(scratch graph, the targets pattern whose ?this fills it) for each compiled shape."""


def compile_shapes(shapes: Graph, ill_typed: IllTyped) -> Plan:
    """Every shape with targets, as checks; those that cannot be compiled, named with why."""
    plan = Plan()
    run = uuid.uuid4().hex
    graphs: dict[str, ox.NamedNode] = {}  # shapes with the same targets share their focus nodes
    for shape in target_shapes(shapes):
        if _deactivated(shapes, shape):
            continue
        try:
            targets = _Compiler(shapes, ill_typed, Sparql("")).targets(shape)
            graph = graphs.get(targets) or ox.NamedNode(f"urn:cancerkg:focus:{run}:{len(graphs)}")
            focus = fill("focus-graph", graph=Sparql(str(graph)))
            checks = list(_Compiler(shapes, ill_typed, focus).shape_checks(shape))
        except NotCompiledError as why:
            plan.uncompiled[shape] = str(why)
            continue
        plan.checks.extend(checks)
        plan.compiled.append(shape)
        if targets not in graphs:
            graphs[targets] = graph
            plan.focus.append((graph, targets))
    return plan


def target_shapes(shapes: Graph) -> list[Node]:
    """The shapes validation starts from: explicit targets, or implicit class targets."""
    found: set[Node] = {s for p in TARGETS for s in shapes.subjects(p, None)}
    for shape in _declared_shapes(shapes):
        if _class_types(shapes) & set(shapes.objects(shape, RDF.type)):
            found.add(shape)
    return sorted(found, key=str)


def _declared_shapes(shapes: Graph) -> set[Node]:
    declared = set(shapes.subjects(RDF.type, SH.NodeShape))
    declared |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    declared |= {s for s, _ in shapes.subject_objects(SH.property)}
    declared |= {s for s, _ in shapes.subject_objects(SH.node)}
    return declared


def _class_types(shapes: Graph) -> set[Node]:
    return {RDFS.Class, OWL.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}


def _deactivated(shapes: Graph, shape: Node) -> bool:
    return any(str(v) == "true" for v in shapes.objects(shape, SH.deactivated))


@cache
def template(name: str) -> str:
    """A template of cancerkg/sparql/shacl/ without its comment lines."""
    text = internal_query(f"shacl/{name}")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def fill(name: str, **holes: Sparql) -> Sparql:
    """The template with each {{hole}} replaced by safe SPARQL text."""
    text = template(name)
    for key, value in holes.items():
        if not isinstance(value, Sparql):
            raise TypeError(f"hole {key} of {name} must be rendered SPARQL")
        text = text.replace("{{" + key + "}}", value)
    if "{{" in text:
        raise ValueError(f"template {name} has unfilled holes: {text}")
    return Sparql(text.strip())


def term(node: Node) -> Sparql:
    """An rdflib term of the shapes graph in SPARQL syntax, rendered by pyoxigraph."""
    if isinstance(node, URIRef):
        return Sparql(str(ox.NamedNode(str(node))))
    if isinstance(node, Literal):
        if node.language:
            return Sparql(str(ox.Literal(str(node), language=node.language)))
        datatype = ox.NamedNode(str(node.datatype or XSD.string))
        return Sparql(str(ox.Literal(str(node), datatype=datatype)))
    raise NotCompiledError(f"a blank node {node} where a constant is needed")


def integer(value: Node | None) -> Sparql:
    """A count or length of the shapes graph, checked to be a plain integer."""
    try:
        number = int(str(value))
    except ValueError:
        raise NotCompiledError(f"{value} is not an integer") from None
    return Sparql(str(number))


def path(shapes: Graph, node: Node) -> Sparql:
    """A SHACL property path in SPARQL property path syntax."""
    if isinstance(node, URIRef):
        return term(node)
    if shapes.value(node, RDF.first) is not None:
        return Sparql("(" + "/".join(path(shapes, p) for p in Collection(shapes, node)) + ")")
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        members = [path(shapes, p) for p in Collection(shapes, alternatives)]
        return Sparql("(" + "|".join(members) + ")")
    for predicate, pattern in (
        (SH.inversePath, "^({})"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = shapes.value(node, predicate)
        if inner is not None:
            return Sparql(pattern.format(path(shapes, inner)))
    raise NotCompiledError(f"unknown property path {node}")


class _Compiler:
    """Compiles one top-level shape; fresh variable names for nested value nodes."""

    def __init__(self, shapes: Graph, ill_typed: IllTyped, focus: Sparql) -> None:
        self.g = shapes
        self.focus = focus
        self.ill_typed = ill_typed
        self.counter = 0
        self.visiting: list[Node] = []

    # -- top level ------------------------------------------------------------------------------

    def shape_checks(self, shape: Node) -> Iterator[Check]:
        """The checks of a shape with targets and of its property shapes, all reading the focus
        nodes from `self.focus` (the engine fills it from `targets` first)."""
        aliases = _aliases(list(self.g.objects(shape, SH.targetNode)))
        for check in self.all_checks(shape, self.focus):
            yield replace(check, aliases=aliases) if aliases else check

    def all_checks(self, shape: Node, focus: Sparql) -> Iterator[Check]:
        yield from self.checks(shape, focus)
        if self.g.value(shape, SH.path) is not None and self.g.value(shape, SH.property):
            raise NotCompiledError("sh:property on a property shape")
        for member in self.g.objects(shape, SH.property):
            if self.g.value(member, SH.property) is not None:
                raise NotCompiledError("sh:property on a property shape")
            if not _deactivated(self.g, member):
                yield from self.checks(member, focus)

    def targets(self, shape: Node) -> Sparql:
        parts = [
            fill("target-class", **{"class": term(c)})
            for c in self.g.objects(shape, SH.targetClass)
        ]
        if _class_types(self.g) & set(self.g.objects(shape, RDF.type)):
            parts.append(fill("target-class", **{"class": term(shape)}))
        nodes = [term(n) for n in self.g.objects(shape, SH.targetNode)]
        if nodes:
            parts.append(fill("target-node", nodes=Sparql(" ".join(nodes))))
        parts += [
            fill("target-subjects-of", predicate=term(p))
            for p in self.g.objects(shape, SH.targetSubjectsOf)
        ]
        parts += [
            fill("target-objects-of", predicate=term(p))
            for p in self.g.objects(shape, SH.targetObjectsOf)
        ]
        return Sparql(" UNION ".join(parts))

    def checks(self, shape: Node, focus: Sparql) -> Iterator[Check]:
        """The checks of one shape's own constraints, for the focus nodes `focus` binds."""
        self.refuse_unknown(shape)
        shape_path = self.g.value(shape, SH.path)
        values = (
            fill("values-path", path=path(self.g, shape_path))
            if shape_path is not None
            else fill("values-focus")
        )
        severity = self.g.value(shape, SH.severity) or SH.Violation
        messages = tuple(m for m in self.g.objects(shape, SH.message) if isinstance(m, Literal))

        def check(query: Sparql, component: URIRef) -> Check:
            return Check(query, shape, component, severity, shape_path, messages)

        for cls in self.g.objects(shape, SH["class"]):
            query = fill("query-class", focus=focus, values=values, **{"class": term(cls)})
            yield check(query, SH.ClassConstraintComponent)
        for component, condition in self.value_conditions(shape, Sparql("?value"), top=True):
            query = fill("query-values", focus=focus, values=values, condition=condition)
            # pyshacl reports no sh:value for sh:hasValue, even on a node shape.
            reported = component != SH.HasValueConstraintComponent
            yield Check(
                query, shape, component, severity, shape_path, messages, report_value=reported
            )
        if shape_path is None:
            for parameter in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape):
                if self.g.value(shape, parameter) is not None:
                    raise NotCompiledError(f"{parameter} on a node shape")
        else:
            yield from self.path_checks(shape, focus, values, check)
        for parameter, (name, operator, component) in PAIRS.items():
            for other in self.g.objects(shape, parameter):
                holes = {"focus": focus, "values": values, "property": term(other)}
                if operator:
                    holes["operator"] = Sparql(operator)
                if parameter == SH.equals:
                    holes["lacks"] = (
                        fill("lacks-path", path=path(self.g, shape_path))
                        if shape_path is not None
                        else fill("lacks-focus")
                    )
                yield check(fill(name, **holes), component)
        if (
            self.g.value(shape, SH.closed) is not None
            and str(self.g.value(shape, SH.closed)) == "true"
        ):
            yield check(self.closed_query(shape, focus), SH.ClosedConstraintComponent)
        for constraint in self.g.objects(shape, SH.sparql):
            if not _deactivated(self.g, constraint):
                yield self.sparql_check(shape, constraint, focus, severity, shape_path)

    def path_checks(
        self, shape: Node, focus: Sparql, values: Sparql, check: Callable[[Sparql, URIRef], Check]
    ) -> Iterator[Check]:
        """The components that need a path: counts, languages, a value among the values."""
        true = Sparql("true")
        shape_path = self.g.value(shape, SH.path)
        if shape_path is None:
            raise NotCompiledError(f"{shape} has no sh:path")
        for count in self.g.objects(shape, SH.minCount):
            if int(str(count)) > 0:
                query = self.min_count(focus, values, true, count)
                yield check(query, SH.MinCountConstraintComponent)
        for count in self.g.objects(shape, SH.maxCount):
            query = fill(
                "query-max-count",
                focus=focus,
                values=values,
                condition=true,
                count=integer(count),
            )
            if integer(count) == "0":
                query = fill("query-max-zero", focus=focus, values=values, condition=true)
            elif integer(count) == "1":
                rendered = path(self.g, shape_path)
                query = fill(
                    "query-max-one", focus=focus, values=values, path=rendered, condition=true
                )
            yield check(query, SH.MaxCountConstraintComponent)
        for unique in self.g.objects(shape, SH.uniqueLang):
            if (
                isinstance(unique, Literal)
                and unique.datatype == XSD.boolean
                and str(unique) == "true"
            ):
                yield check(
                    fill(
                        "query-unique-lang",
                        focus=focus,
                        values=values,
                        path=path(self.g, shape_path),
                    ),
                    SH.UniqueLangConstraintComponent,
                )
        for value in self.g.objects(shape, SH.hasValue):
            yield check(
                fill("query-has-value", focus=focus, values=values, value=term(value)),
                SH.HasValueConstraintComponent,
            )
        for qualified in self.g.objects(shape, SH.qualifiedValueShape):
            condition = self.qualified_condition(shape, qualified)
            for count in self.g.objects(shape, SH.qualifiedMinCount):
                if int(str(count)) > 0:
                    query = self.min_count(focus, values, condition, count)
                    yield check(query, SH.QualifiedMinCountConstraintComponent)
            for count in self.g.objects(shape, SH.qualifiedMaxCount):
                query = fill(
                    "query-max-count",
                    focus=focus,
                    values=values,
                    condition=condition,
                    count=integer(count),
                )
                yield check(query, SH.QualifiedMaxCountConstraintComponent)

    @staticmethod
    def min_count(focus: Sparql, values: Sparql, condition: Sparql, count: Node) -> Sparql:
        """At least `count` value nodes meeting `condition`: MINUS for one, else counted."""
        if integer(count) == "1":
            return fill("query-min-one", focus=focus, values=values, condition=condition)
        return fill(
            "query-min-count", focus=focus, values=values, condition=condition, count=integer(count)
        )

    def qualified_condition(self, shape: Node, qualified: Node) -> Sparql:
        """The value conforms to the qualified shape and, when disjoint, to none of its siblings."""
        condition = self.conforms(qualified, Sparql("?value"))
        if str(self.g.value(shape, SH.qualifiedValueShapesDisjoint)) != "true":
            return condition
        siblings = {
            other
            for parent in self.g.subjects(SH.property, shape)
            for prop in self.g.objects(parent, SH.property)
            for other in self.g.objects(prop, SH.qualifiedValueShape)
            if other != qualified
        }
        parts = [condition] + [
            Sparql(f"!({self.conforms(s, Sparql('?value'))})") for s in sorted(siblings, key=str)
        ]
        return Sparql("(" + " && ".join(parts) + ")")

    def closed_query(self, shape: Node, focus: Sparql) -> Sparql:
        allowed = [
            term(p)
            for member in self.g.objects(shape, SH.property)
            for p in [self.g.value(member, SH.path)]
            if isinstance(p, URIRef)
        ]
        ignored = self.g.value(shape, SH.ignoredProperties)
        if ignored is not None:
            allowed += [term(p) for p in Collection(self.g, ignored)]
        listed = Sparql(", ".join(allowed)) if allowed else Sparql("<urn:cancerkg:nothing>")
        return fill("query-closed", focus=focus, allowed=listed)

    def sparql_check(
        self,
        shape: Node,
        constraint: Node,
        focus: Sparql,
        severity: Node,
        shape_path: Node | None,
    ) -> Check:
        """A SHACL-SPARQL constraint with the focus nodes joined in where $this is pre-bound."""
        select = self.g.value(constraint, SH.select)
        if select is None:
            raise NotCompiledError("a SHACL-SPARQL constraint without sh:select")
        text = str(select)
        if "$shapesGraph" in text or "?shapesGraph" in text:
            raise NotCompiledError("$shapesGraph in a SHACL-SPARQL constraint")
        text = re.sub(r"[$?]currentShape\b", lambda _: term(shape), text)
        if shape_path is not None:
            text = re.sub(r"\$PATH\b", lambda _: path(self.g, shape_path), text)
        projection = _PROJECTION.search(text)
        if projection is None or not re.search(r"\*|[$?]this\b", projection.group(1)):
            raise NotCompiledError("a SHACL-SPARQL constraint that does not select $this")
        where = _WHERE.search(text) or re.search(r"\{", text)
        if where is None:
            raise NotCompiledError("a SHACL-SPARQL constraint without a WHERE clause")
        if not _joinable(text[where.end() :]):
            raise NotCompiledError("$this pre-bound inside nested groups, UNION or sub-queries")
        before, after = text[: where.end()], text[where.end() :]
        query = f"{self.prefixes(constraint)}{before} {focus} {after}"
        try:
            ox.Store().query(query)
        except SyntaxError as error:
            first = " ".join(str(error).split())[:80]
            raise NotCompiledError(f"the SHACL-SPARQL query does not parse here: {first}") from None
        messages = tuple(
            m for m in self.g.objects(constraint, SH.message) if isinstance(m, Literal)
        )
        messages = messages or tuple(
            m for m in self.g.objects(shape, SH.message) if isinstance(m, Literal)
        )
        return Check(
            Sparql(query),
            shape,
            SH.SPARQLConstraintComponent,
            severity,
            shape_path,
            messages,
            constraint,
        )

    def prefixes(self, constraint: Node) -> str:
        lines = []
        for owner in self.g.objects(constraint, SH.prefixes):
            for declaration in self.g.objects(owner, SH.declare):
                name = str(self.g.value(declaration, SH.prefix))
                namespace = self.g.value(declaration, SH.namespace)
                if not _PREFIX_NAME.match(name) or namespace is None:
                    raise NotCompiledError(f"an unusable prefix declaration {name!r}")
                lines.append(f"PREFIX {name}: {ox.NamedNode(str(namespace))}\n")
        return "".join(lines)

    def refuse_unknown(self, shape: Node) -> None:
        for parameter in NOT_COMPILED:
            if self.g.value(shape, parameter) is not None:
                raise NotCompiledError(f"{parameter.n3(self.g.namespace_manager)} is not compiled")
        custom = {
            p
            for _, parameter in self.g.subject_objects(SH.parameter)
            for p in self.g.objects(parameter, SH.path)
        }
        if any(self.g.value(shape, p) is not None for p in custom):
            raise NotCompiledError("a custom constraint component")

    # -- value by value -------------------------------------------------------------------------

    def value_conditions(
        self, shape: Node, v: Sparql, *, top: bool = False
    ) -> Iterator[tuple[URIRef, Sparql]]:
        """(component, condition on value node `v`) for each value-by-value constraint; at the
        top level sh:class has a query of its own (query-class.rq)."""
        g = self.g
        for cls in [] if top else g.objects(shape, SH["class"]):
            yield SH.ClassConstraintComponent, fill("condition-class", v=v, **{"class": term(cls)})
        for datatype in g.objects(shape, SH.datatype):
            yield SH.DatatypeConstraintComponent, self.datatype_condition(datatype, v)
        for kind in g.objects(shape, SH.nodeKind):
            if not isinstance(kind, URIRef) or kind not in NODE_KINDS:
                raise NotCompiledError(f"unknown sh:nodeKind {kind}")
            iri, blank, literal = (Sparql(str(x).lower()) for x in NODE_KINDS[kind])
            yield (
                SH.NodeKindConstraintComponent,
                fill("condition-node-kind", v=v, iri=iri, blank=blank, literal=literal),
            )
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            flag_text = Sparql(str(ox.Literal(str(flags) if flags is not None else "")))
            condition = fill(
                "condition-pattern",
                v=v,
                pattern=Sparql(str(ox.Literal(str(pattern)))),
                flags=flag_text,
            )
            yield SH.PatternConstraintComponent, condition
        for length in g.objects(shape, SH.minLength):
            yield (
                SH.MinLengthConstraintComponent,
                fill("condition-min-length", v=v, length=integer(length)),
            )
        for length in g.objects(shape, SH.maxLength):
            yield (
                SH.MaxLengthConstraintComponent,
                fill("condition-max-length", v=v, length=integer(length)),
            )
        for members in g.objects(shape, SH["in"]):
            yield (
                SH.InConstraintComponent,
                self.any_of(
                    [fill("condition-same-term", v=v, term=term(m)) for m in Collection(g, members)]
                ),
            )
        if g.value(shape, SH.path) is None:
            for value in g.objects(shape, SH.hasValue):
                yield (
                    SH.HasValueConstraintComponent,
                    fill("condition-same-term", v=v, term=term(value)),
                )
        for languages in g.objects(shape, SH.languageIn):
            yield (
                SH.LanguageInConstraintComponent,
                self.language_condition(list(Collection(g, languages)), v),
            )
        for parameter, (operator, component) in COMPARISONS.items():
            for limit in g.objects(shape, parameter):
                if not isinstance(limit, Literal):
                    raise NotCompiledError(f"{parameter} is not a literal")
                yield (
                    component,
                    fill("condition-compare", v=v, operator=Sparql(operator), limit=term(limit)),
                )
        for node in g.objects(shape, SH.node):
            yield SH.NodeConstraintComponent, self.conforms(node, v)
        for negated in g.objects(shape, SH["not"]):
            yield SH.NotConstraintComponent, Sparql(f"!({self.conforms(negated, v)})")
        for members in g.objects(shape, SH["and"]):
            yield (
                SH.AndConstraintComponent,
                self.all_of([self.conforms(m, v) for m in Collection(g, members)]),
            )
        for members in g.objects(shape, SH["or"]):
            yield (
                SH.OrConstraintComponent,
                self.any_of([self.conforms(m, v) for m in Collection(g, members)]),
            )
        for members in g.objects(shape, SH.xone):
            counted = [f"IF({self.conforms(m, v)}, 1, 0)" for m in Collection(g, members)]
            yield SH.XoneConstraintComponent, Sparql("((" + " + ".join(counted or ["0"]) + ") = 1)")

    def datatype_condition(self, datatype: Node, v: Sparql) -> Sparql:
        if datatype == RDF.langString:
            return fill("condition-lang-string", v=v)
        if datatype == RDFS.Literal:
            return fill("condition-any-literal", v=v)
        if not isinstance(datatype, URIRef) or datatype == RDFS.Datatype:
            raise NotCompiledError(f"sh:datatype {datatype}")
        bad = self.ill_typed(ox.NamedNode(str(datatype)))
        ill = self.any_of([fill("condition-same-term", v=v, term=Sparql(str(b))) for b in bad])
        return fill("condition-datatype", v=v, datatype=term(datatype), ill_typed=ill)

    def language_condition(self, languages: list[Node], v: Sparql) -> Sparql:
        wanted = sorted({str(lang).lower() for lang in languages})
        if any(not isinstance(lang, Literal) or lang.language for lang in languages):
            raise NotCompiledError("sh:languageIn with a value that is not a plain string")
        if "*" in wanted:
            return fill("condition-lang-string", v=v)
        if not wanted:
            return Sparql("false")
        listed = Sparql(", ".join(str(ox.Literal(lang)) for lang in wanted))
        return fill("condition-language-in", v=v, languages=listed)

    @staticmethod
    def any_of(parts: list[Sparql]) -> Sparql:
        return Sparql("(" + " || ".join(parts) + ")") if parts else Sparql("false")

    @staticmethod
    def all_of(parts: list[Sparql]) -> Sparql:
        return Sparql("(" + " && ".join(parts) + ")") if parts else Sparql("true")

    # -- nested shapes --------------------------------------------------------------------------

    def conforms(self, shape: Node, v: Sparql) -> Sparql:
        """An expression true when the node `v` conforms to `shape` (sh:node, sh:or, ...)."""
        if _deactivated(self.g, shape):
            return Sparql("true")
        if shape in self.visiting:
            raise NotCompiledError("a recursive shape")
        self.visiting.append(shape)
        try:
            self.refuse_unknown(shape)
            for parameter in (SH.closed, SH.sparql, SH.qualifiedValueShape, SH.uniqueLang, *PAIRS):
                if self.g.value(shape, parameter) is not None:
                    raise NotCompiledError(f"{parameter} inside a nested shape")
            shape_path = self.g.value(shape, SH.path)
            if shape_path is None:
                parts = [c for _, c in self.value_conditions(shape, v)]
                for member in self.g.objects(shape, SH.property):
                    parts.append(self.conforms(member, v))
                return self.all_of(parts)
            return self.property_conforms(shape, shape_path, v)
        finally:
            self.visiting.pop()

    def property_conforms(self, shape: Node, shape_path: Node, v: Sparql) -> Sparql:
        if (
            self.g.value(shape, SH.property) is not None
            or self.g.value(shape, SH.hasValue) is not None
        ):
            raise NotCompiledError("sh:property or sh:hasValue in a nested property shape")
        self.counter += 1
        w = Sparql(f"?nested{self.counter}")
        rendered = path(self.g, shape_path)
        parts = [
            fill("condition-no-value", v=v, path=rendered, w=w, condition=c)
            for _, c in self.value_conditions(shape, w)
        ]
        for count in self.g.objects(shape, SH.minCount):
            if int(str(count)) > 1:
                raise NotCompiledError("sh:minCount above 1 in a nested shape")
            if int(str(count)) == 1:
                parts.append(fill("condition-some-value", v=v, path=rendered, w=w))
        for count in self.g.objects(shape, SH.maxCount):
            if int(str(count)) != 0:
                raise NotCompiledError("sh:maxCount above 0 in a nested shape")
            parts.append(
                fill("condition-no-value", v=v, path=rendered, w=w, condition=Sparql("false"))
            )
        return self.all_of(parts)


def _joinable(body: str) -> bool:
    """Whether joining the focus nodes at the top of the WHERE clause means what pre-binding
    $this means: true when every inner group belongs to an EXISTS or an OPTIONAL, which see the
    focus node already bound. Nested groups, UNION and sub-queries are left to pyshacl."""
    for brace in re.finditer(r"\{", body):
        before = body[: brace.start()].rstrip()
        if not re.search(r"\b(EXISTS|OPTIONAL)$", before, re.IGNORECASE):
            return False
    return True


def _aliases(nodes: list[Node]) -> tuple[tuple[str, ox.Literal], ...]:
    """(as pyoxigraph answers it, as written) for each literal target node it rewrites."""
    literals = [n for n in nodes if isinstance(n, Literal)]
    if not literals:
        return ()
    found = []
    for literal in literals:
        answer = ox.Store().query(f"SELECT ?x WHERE {{ VALUES ?x {{ {term(literal)} }} }}")
        assert isinstance(answer, ox.QuerySolutions)
        answered = str(next(iter(answer))["x"])
        if answered != term(literal):
            written = (
                ox.Literal(str(literal), language=literal.language)
                if literal.language
                else ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))
            )
            found.append((answered, written))
    return tuple(found)


def blank_paths(shapes: Graph, node: Node) -> Iterator[tuple[Node, Node, Node]]:
    """The triples describing a blank-node path, to copy it into a report."""
    todo, seen = [node], set()
    while todo:
        subject = todo.pop()
        if subject in seen or not isinstance(subject, BNode):
            continue
        seen.add(subject)
        for p, o in shapes.predicate_objects(subject):
            yield subject, p, o
            todo.append(o)
