"""What changed between two releases (or a release and a release plus a submission): the quads
added and removed per named graph, and the same told in words a curator reads ("Hospital X joins
EURACAN as full member from 2025-01-01").

Only asserted graphs are compared: the derived graphs (graph/inferred, graph/summaries) follow
from them, so their changes would only repeat the asserted ones many times over. Blank nodes are
relabelled by what they say and where they hang (cancerkg.rdf.canonical), so a parser's
relabelling is no change. Both sides are read into memory as Python sets: set difference of
~60k quads takes milliseconds, far less than loading two SPARQL stores would.

Words are built from the two sides' own statements, labels from the new side first: a
membership that appears is "X joins N", one that disappears "X leaves N", an end date that
appears "X leaves N on D"; a changed label is named with both values; everything else is
counted per resource ("3 other facts changed on X"). Each sentence names the named graphs it
comes from, and `sources()` tells what each graph says about itself (dcterms:source,
prov:wasAttributedTo, dcterms:identifier - a submission's graph carries its submission id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from cancerkg.rdf.canonical import Canonicaliser, Graph
from cancerkg.rdf.iris import (
    DCTERMS,
    INFERRED_GRAPH,
    ORG,
    PROV,
    RDF,
    RDF_TYPE,
    RDFS,
    SCHEMA,
    SKOS,
    SUMMARY_GRAPH,
    TIME,
    XSD,
)
from cancerkg.rdf.terms import term_text

DERIVED_GRAPHS = frozenset({ox.NamedNode(INFERRED_GRAPH), ox.NamedNode(SUMMARY_GRAPH)})
CS = "http://purl.org/vocab/changeset/schema#"
MEMBERSHIP = ox.NamedNode(ORG + "Membership")
MEMBER = ox.NamedNode(ORG + "member")
ORGANIZATION = ox.NamedNode(ORG + "organization")
ROLE = ox.NamedNode(ORG + "role")
MEMBER_DURING = ox.NamedNode(ORG + "memberDuring")
LABEL = ox.NamedNode(RDFS + "label")
LABEL_PREDICATES = (LABEL, ox.NamedNode(SKOS + "prefLabel"), ox.NamedNode(SCHEMA + "name"))
ATTRIBUTION = {
    "source": ox.NamedNode(DCTERMS + "source"),
    "attributed_to": ox.NamedNode(PROV + "wasAttributedTo"),
    "identifier": ox.NamedNode(DCTERMS + "identifier"),
    "title": ox.NamedNode(DCTERMS + "title"),
}
MAX_SOURCES_IN_TEXT = 3
Subject = ox.NamedNode | ox.BlankNode
Node = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Snapshot:
    """One side of a comparison: its asserted quads (blank nodes canonical), by subject."""

    quads: frozenset[ox.Quad]
    by_subject: dict[Subject, list[ox.Quad]]
    parents: dict[tuple[Graph, ox.BlankNode], Subject]

    @classmethod
    def of(cls, quads: Iterable[ox.Quad]) -> Snapshot:
        asserted = [q for q in quads if q.graph_name not in DERIVED_GRAPHS]
        canon = Canonicaliser()
        kept = frozenset(canon.canonical(asserted))
        by_subject: defaultdict[Subject, list[ox.Quad]] = defaultdict(list)
        for quad in kept:
            by_subject[quad.subject].append(quad)  # type: ignore[index]
        return cls(kept, dict(by_subject), canon.parents)

    def objects(self, subject: Subject, predicate: ox.NamedNode) -> list[Node]:
        return [q.object for q in self.by_subject.get(subject, ()) if q.predicate == predicate]  # type: ignore[misc]

    def first(self, subject: Subject, predicate: ox.NamedNode) -> Node | None:
        found = self.objects(subject, predicate)
        return min(found, key=str) if found else None

    def label(self, term: Node) -> str | None:
        """An English (else any) label of a resource, or None when this side has none."""
        if isinstance(term, ox.Literal):
            return term.value
        for predicate in LABEL_PREDICATES:
            labels = [o for o in self.objects(term, predicate) if isinstance(o, ox.Literal)]
            english = [o for o in labels if (o.language or "").startswith("en")]
            if english or labels:
                return min(english or labels, key=lambda o: o.value).value
        return None

    def owner(self, quad: ox.Quad) -> Subject:
        """The resource a statement is about: a blank node's statements belong to the IRI it
        hangs from (an interval to its membership)."""
        subject: Subject = quad.subject  # type: ignore[assignment]
        for _ in range(64):  # deeper nesting than any tree we publish: stop there
            if not isinstance(subject, ox.BlankNode):
                return subject
            parent = self.parents.get((quad.graph_name, subject))
            if parent is None:
                return subject
            subject = parent
        return subject


@dataclass(frozen=True)
class Membership:
    """A membership as one side states it."""

    member: Node | None
    organization: Node | None
    role: Node | None
    start: str | None
    end: str | None


@dataclass(frozen=True)
class Sentence:
    """One change told in words, with the statements it covers and the graphs they are in."""

    text: str
    kind: str  # joins, leaves, membership, label, new, removed, facts
    subject: Subject
    added: tuple[ox.Quad, ...]
    removed: tuple[ox.Quad, ...]

    @property
    def graphs(self) -> tuple[str, ...]:
        return tuple(sorted({_graph_name(q.graph_name) for q in self.added + self.removed}))


@dataclass(frozen=True)
class Changes:
    """The difference between an old and a new dataset (asserted graphs only)."""

    added: frozenset[ox.Quad]
    removed: frozenset[ox.Quad]
    old: Snapshot = field(repr=False)
    new: Snapshot = field(repr=False)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def graphs(self) -> list[tuple[str, int, int]]:
        """(graph, added, removed) for each named graph that changed, sorted by name."""
        counts: dict[str, list[int]] = {}
        for index, quads in enumerate((self.added, self.removed)):
            for quad in quads:
                counts.setdefault(_graph_name(quad.graph_name), [0, 0])[index] += 1
        return [(g, a, r) for g, (a, r) in sorted(counts.items())]

    def sources(self) -> dict[str, dict[str, list[str]]]:
        """What each changed graph says about itself (new side, else old): its title, sources,
        who it is attributed to and its identifier (a submission's id)."""
        described: dict[str, dict[str, list[str]]] = {}
        for graph, _, _ in self.graphs():
            node = ox.NamedNode(graph) if not graph.startswith("_:") and graph else None
            facts: dict[str, list[str]] = {}
            for side in (self.new, self.old) if node is not None else ():
                for name, predicate in ATTRIBUTION.items():
                    values = sorted(_text(side, o) for o in side.objects(node, predicate))  # type: ignore[arg-type]
                    if values and name not in facts:
                        facts[name] = values
            described[graph] = facts
        return described

    def label(self, term: Node) -> str:
        """A term's label, new side first, else its IRI's last part."""
        found = self.new.label(term) or self.old.label(term)
        return found or _local_name(term)

    def sentences(self) -> list[Sentence]:
        """Every change in words, grouped by the resource it is about, sorted by its label."""
        grouped: dict[Subject, tuple[list[ox.Quad], list[ox.Quad]]] = {}
        for quad in self.added:
            grouped.setdefault(self.new.owner(quad), ([], []))[0].append(quad)
        for quad in self.removed:
            grouped.setdefault(self.old.owner(quad), ([], []))[1].append(quad)
        told: list[Sentence] = []
        for subject in sorted(grouped, key=lambda s: (self.label(s).lower(), str(s))):
            added, removed = grouped[subject]
            told += self._about(subject, sorted(added, key=str), sorted(removed, key=str))
        return told

    def text(self, title: str = "") -> str:
        """The changes as plain text: a summary line, then sentences by graph."""
        lines = [title] if title else []
        lines.append(self.summary())
        sources = self.sources()
        by_graph: dict[str, list[Sentence]] = {}
        for sentence in self.sentences():
            by_graph.setdefault(sentence.graphs[0] if sentence.graphs else "", []).append(sentence)
        for graph in sorted(by_graph):
            lines += ["", (graph or "(default graph)") + _attribution(sources.get(graph, {}))]
            lines += [f"  - {s.text}" for s in by_graph[graph]]
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        graphs = len(self.graphs())
        if not self:
            return "No changes in the asserted graphs."
        return (
            f"{len(self.added):,} triples added and {len(self.removed):,} removed in "
            f"{graphs} named graph{'s' if graphs != 1 else ''}."
        )

    def as_json(self) -> dict[str, object]:
        """A JSON-ready summary: counts and sources per graph, sentences, and the statements
        added and removed (N-Quads lines)."""
        sources = self.sources()
        return {
            "summary": self.summary(),
            "added": len(self.added),
            "removed": len(self.removed),
            "graphs": [
                {"graph": g, "added": a, "removed": r, **sources.get(g, {})}
                for g, a, r in self.graphs()
            ],
            "sentences": [
                {
                    "text": s.text,
                    "kind": s.kind,
                    "subject": str(s.subject),
                    "graphs": list(s.graphs),
                }
                for s in self.sentences()
            ],
            "quads": {
                "added": sorted(_nquad(q) for q in self.added),
                "removed": sorted(_nquad(q) for q in self.removed),
            },
        }

    def _about(
        self, subject: Subject, added: list[ox.Quad], removed: list[ox.Quad]
    ) -> Iterator[Sentence]:
        old_m, new_m = _membership(self.old, subject), _membership(self.new, subject)
        if old_m is not None or new_m is not None:
            yield from self._membership_sentences(subject, old_m, new_m, added, removed)
            return
        name = self.label(subject)
        if subject not in self.old.by_subject:
            yield Sentence(f"{name} is new ({_facts(len(added))})", "new", subject, (*added,), ())
            return
        if subject not in self.new.by_subject:
            text = f"{name} is removed ({_facts(len(removed))})"
            yield Sentence(text, "removed", subject, (), (*removed,))
            return
        rest_added, rest_removed = list(added), list(removed)
        for new_label, old_label in _relabelled(subject, added, removed):
            was, now = term_text(old_label.object), term_text(new_label.object)
            text = f'label of {name} changed from "{was}" to "{now}"'
            yield Sentence(text, "label", subject, (new_label,), (old_label,))
            rest_added.remove(new_label)
            rest_removed.remove(old_label)
        if rest_added or rest_removed:
            other = "other " if len(rest_added) < len(added) else ""
            count = len(rest_added) + len(rest_removed)
            text = (
                f"{count} {other}fact{'s' if count != 1 else ''} changed on {name} "
                f"({len(rest_added)} added, {len(rest_removed)} removed)"
            )
            yield Sentence(text, "facts", subject, (*rest_added,), (*rest_removed,))

    def _membership_sentences(
        self,
        subject: Subject,
        old: Membership | None,
        new: Membership | None,
        added: list[ox.Quad],
        removed: list[ox.Quad],
    ) -> Iterator[Sentence]:
        now = new or old
        assert now is not None
        who = self.label(now.member) if now.member is not None else "someone"
        where = self.label(now.organization) if now.organization is not None else "an organisation"
        role = f" as {self.label(now.role)}" if now.role is not None else ""
        quads = ((*added,), (*removed,))
        if old is None or (old.member, old.organization) != (now.member, now.organization):
            if old is not None and old.member is not None and old.organization is not None:
                left = f"{self.label(old.member)} leaves {self.label(old.organization)}"
                yield Sentence(left, "leaves", subject, (), quads[1])
                quads = (quads[0], ())
            period = (f" from {now.start}" if now.start else "") + (
                f" until {now.end}" if now.end else ""
            )
            yield Sentence(f"{who} joins {where}{role}{period}", "joins", subject, *quads)
            return
        if new is None:
            yield Sentence(f"{who} leaves {where}", "leaves", subject, *quads)
            return
        told = []
        if new.end and new.end != old.end:
            told.append(("leaves", f"{who} leaves {where} on {new.end}"))
        elif old.end and not new.end:
            told.append(("membership", f"{who}'s membership of {where} no longer ends"))
        if new.role != old.role:
            was, now_is = (
                self.label(r) if r is not None else "no role" for r in (old.role, new.role)
            )
            told.append(("membership", f"{who}'s role in {where} changed from {was} to {now_is}"))
        if new.start != old.start:
            told.append(
                (
                    "membership",
                    f"{who}'s membership of {where} starts {new.start or 'at an unknown date'}"
                    f" (was {old.start or 'not given'})",
                )
            )
        if not told:
            count = len(added) + len(removed)
            told.append(
                ("membership", f"{_facts(count)} changed on the membership of {who} in {where}")
            )
        for index, (kind, text) in enumerate(told):  # the statements go with the first
            yield Sentence(text, kind, subject, *(quads if index == 0 else ((), ())))


def changes_between(old: Iterable[ox.Quad], new: Iterable[ox.Quad]) -> Changes:
    """The changes from `old` to `new`: any two quad iterables, e.g. two releases' N-Quads
    dumps, or a release and the same release plus a submission's quads."""
    before, after = Snapshot.of(old), Snapshot.of(new)
    return Changes(after.quads - before.quads, before.quads - after.quads, before, after)


def changeset_triples(
    changes: Changes, document: str | None, release: str, created: str | None
) -> list[ox.Triple]:
    """The changes as RDF in the Talis changeset vocabulary (cs:, an established vocabulary made
    for exactly this): one cs:ChangeSet per sentence (`document#change-N`; a blank node when
    there is no document), its statements reified as cs:addition and cs:removal, its words as
    dcterms:description and its kind as cs:changeReason, the named graph the statements are in
    as dcterms:source and the release it belongs to as dcterms:isPartOf."""
    triples: list[ox.Triple] = []
    part_of = ox.NamedNode(release)
    for index, sentence in enumerate(changes.sentences(), start=1):
        node: ox.NamedNode | ox.BlankNode = (
            ox.NamedNode(f"{document}#change-{index}") if document else ox.BlankNode()
        )
        triples += [
            ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(CS + "ChangeSet")),
            ox.Triple(node, ox.NamedNode(CS + "subjectOfChange"), sentence.subject),
            ox.Triple(node, ox.NamedNode(DCTERMS + "isPartOf"), part_of),
            ox.Triple(
                node,
                ox.NamedNode(DCTERMS + "description"),
                ox.Literal(sentence.text, language="en"),
            ),
            ox.Triple(node, ox.NamedNode(CS + "changeReason"), ox.Literal(sentence.kind)),
        ]
        if created:
            stamp = ox.Literal(created, datatype=ox.NamedNode(XSD + "dateTime"))
            triples.append(ox.Triple(node, ox.NamedNode(CS + "createdDate"), stamp))
        for graph in sentence.graphs:
            if graph and not graph.startswith("_:"):
                triples.append(
                    ox.Triple(node, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(graph))
                )
        for link, quads in (("addition", sentence.added), ("removal", sentence.removed)):
            for quad in quads:
                statement = ox.BlankNode()
                triples += [
                    ox.Triple(node, ox.NamedNode(CS + link), statement),
                    ox.Triple(statement, ox.NamedNode(RDF_TYPE), ox.NamedNode(RDF + "Statement")),
                    ox.Triple(statement, ox.NamedNode(RDF + "subject"), quad.subject),
                    ox.Triple(statement, ox.NamedNode(RDF + "predicate"), quad.predicate),
                    ox.Triple(statement, ox.NamedNode(RDF + "object"), quad.object),
                ]
    return triples


def _relabelled(
    subject: Subject, added: list[ox.Quad], removed: list[ox.Quad]
) -> Iterator[tuple[ox.Quad, ox.Quad]]:
    """(new, old) rdfs:label statements of `subject` in the same language."""
    old_labels = {
        q.object.language: q
        for q in removed
        if q.subject == subject and q.predicate == LABEL and isinstance(q.object, ox.Literal)
    }
    for quad in added:
        if (
            quad.subject == subject
            and quad.predicate == LABEL
            and isinstance(quad.object, ox.Literal)
        ):
            old = old_labels.pop(quad.object.language, None)
            if old is not None:
                yield quad, old


def _membership(side: Snapshot, subject: Subject) -> Membership | None:
    """The membership `subject` is on this side, or None when it is not one here."""
    types = side.objects(subject, ox.NamedNode(RDF_TYPE))
    member, organization = side.first(subject, MEMBER), side.first(subject, ORGANIZATION)
    if MEMBERSHIP not in types and member is None:
        return None
    interval = side.first(subject, MEMBER_DURING)
    start = end = None
    if isinstance(interval, ox.NamedNode | ox.BlankNode):
        start = _instant(side, side.first(interval, ox.NamedNode(TIME + "hasBeginning")))
        end = _instant(side, side.first(interval, ox.NamedNode(TIME + "hasEnd")))
    return Membership(member, organization, side.first(subject, ROLE), start, end)


def _instant(side: Snapshot, instant: Node | None) -> str | None:
    """The date an instant gives (time:inXSDDate, inXSDgYear, inXSDDateTime, ...)."""
    if not isinstance(instant, ox.NamedNode | ox.BlankNode):
        return None
    dates = [
        q.object.value
        for q in side.by_subject.get(instant, ())
        if q.predicate.value.startswith(TIME + "inXSD") and isinstance(q.object, ox.Literal)
    ]
    return min(dates) if dates else None


def _graph_name(graph: Graph) -> str:
    return (
        ""
        if isinstance(graph, ox.DefaultGraph)
        else str(graph)
        if isinstance(graph, ox.BlankNode)
        else graph.value
    )


def _text(side: Snapshot, term: Node) -> str:
    if isinstance(term, ox.Literal):
        return term.value
    label = side.label(term)
    return f"{label} <{term.value}>" if label and isinstance(term, ox.NamedNode) else term.value


def _attribution(facts: dict[str, list[str]]) -> str:
    """A graph's title, attribution and identifier, and its sources when there are few (a
    curated file cites hundreds: the JSON form lists them all)."""
    parts = [
        f"{name.replace('_', ' ')}: {', '.join(values)}"
        for name, values in facts.items()
        if name != "source" or len(values) <= MAX_SOURCES_IN_TEXT
    ]
    if len(facts.get("source", ())) > MAX_SOURCES_IN_TEXT:
        parts.append(f"{len(facts['source'])} sources")
    return f" ({'; '.join(parts)})" if parts else ""


def _facts(count: int) -> str:
    return f"{count} fact{'s' if count != 1 else ''}"


def _local_name(term: Node) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or term.value
    return str(term)


def _nquad(quad: ox.Quad) -> str:
    graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else f" {quad.graph_name}"
    return f"{quad.subject} {quad.predicate} {quad.object}{graph} ."
