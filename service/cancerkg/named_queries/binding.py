"""Turn the text a user typed into typed RDF terms and bind them into a named query.

Why VALUES blocks and not `Store.query(substitutions=...)`: pyoxigraph only substitutes variables
that the top-level SELECT projects (so a filter parameter of a count query could not be bound),
rdflib's initBindings join at a different place than pyoxigraph's, and a remote endpoint has no
pre-binding at all. A `VALUES ?p { UNDEF }` block that the query author places where the value is
needed means the same on every backend. Its UNDEFs are replaced by terms that pyoxigraph built and
serialised (N-Triples syntax, validated IRIs, escaped literals): a value can never change the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

import pyoxigraph as ox

from cancerkg.build.search_index import substring_candidates
from cancerkg.errors import ParameterError
from cancerkg.internal_queries import internal_query
from cancerkg.named_queries.catalog import BINDING_BLOCK, NamedQuery, Parameter, block_variables
from cancerkg.rdf.iris import ID, XSD
from cancerkg.rdf.terms import Term
from cancerkg.rdf.text import fold
from cancerkg.store.protocol import Store, ask, select

MAX_TEXT = 200
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def bind_arguments(query: NamedQuery, arguments: Mapping[str, str], store: Store) -> str:
    """The query text with every binding block filled from the typed arguments (and the
    candidates of the store's full-text index, where the query asks for them)."""
    terms: dict[str, Term | Sequence[Term]] = dict(resolve_arguments(query, arguments, store))
    if query.narrow is not None and store.text_index is not None:
        variable, by = query.narrow
        text = terms.get(by)
        found = (
            substring_candidates(store.text_index, text.value)
            if isinstance(text, ox.Literal)
            else None
        )
        if found is not None:
            terms[variable] = [ox.NamedNode(iri) for iri in found]
    return fill_blocks(query.text, terms)


def resolve_arguments(
    query: NamedQuery, arguments: Mapping[str, str], store: Store
) -> dict[str, Term]:
    """Check names, presence and types; apply defaults. Errors list the valid parameters."""
    return {
        parameter.name: to_term(parameter, raw, store)
        for parameter, raw in _given(query, arguments)
    }


def check_arguments(query: NamedQuery, arguments: Mapping[str, str]) -> None:
    """The checks of `resolve_arguments` that need no store: names, presence and the form of
    each value (an IRI or slug, an ISO code, a date...). The service makes them before it hands
    a query to a worker, so a mistyped value is the client's error at once, whatever the load."""
    for parameter, raw in _given(query, arguments):
        _check_length(parameter, raw)
        if parameter.type in _FORMS:
            _FORMS[parameter.type](parameter, raw.strip())
        else:
            _PURE[parameter.type](parameter, raw.strip())


def _given(query: NamedQuery, arguments: Mapping[str, str]) -> list[tuple[Parameter, str]]:
    """Each parameter with the text it was given (or its default); names and presence checked."""
    unknown = sorted(set(arguments) - {p.name for p in query.parameters})
    if unknown:
        raise ParameterError(
            f"{query.name}: unknown parameter(s) {', '.join(unknown)}; {_valid_list(query)}"
        )
    given: list[tuple[Parameter, str]] = []
    for parameter in query.parameters:
        raw = arguments.get(parameter.name, parameter.default)
        if raw is None or raw == "":
            if parameter.required:
                raise ParameterError(
                    f"{query.name}: missing required parameter {parameter.name!r}; "
                    + _valid_list(query)
                )
            continue
        given.append((parameter, raw))
    return given


def _valid_list(query: NamedQuery) -> str:
    if not query.parameters:
        return "this query takes no parameters"
    return "valid parameters: " + ", ".join(
        f"{p.name} ({p.type_label}{', required' if p.required else ''}"
        f"{f', e.g. {p.example}' if p.example else ''})"
        for p in query.parameters
    )


def to_term(parameter: Parameter, raw: str, store: Store) -> Term:
    """One argument as the RDF term its type calls for."""
    _check_length(parameter, raw)
    if parameter.type in _LOOKUPS:
        return _LOOKUPS[parameter.type](parameter, raw.strip(), store)
    return _PURE[parameter.type](parameter, raw.strip())


def _check_length(parameter: Parameter, raw: str) -> None:
    if len(raw) > MAX_TEXT and parameter.type != "iri":
        raise ParameterError(f"{parameter.name}: longer than {MAX_TEXT} characters")


def _to_iri(parameter: Parameter, raw: str, store: Store) -> Term:
    """A full IRI, or a slug (`euracan`) / `kind/slug` short form of one of our own things."""
    form = _iri_form(parameter, raw)
    if isinstance(form, ox.NamedNode):
        return form
    kinds, slug = form
    for candidate in kinds:
        iri = ox.NamedNode(f"{ID}{candidate}/{slug}")
        if entity_exists(store, iri):
            return iri
    raise ParameterError(
        f"{parameter.name}: no {' or '.join(kinds)} with the slug {slug!r} in the graph"
    )


def _iri_form(parameter: Parameter, raw: str) -> ox.NamedNode | tuple[Sequence[str], str]:
    """A full IRI, or the kinds and slug a short form names (not yet looked up)."""
    if ":" in raw:
        try:
            iri = ox.NamedNode(raw)
        except ValueError as error:
            raise ParameterError(f"{parameter.name}: not a valid IRI ({error})") from None
        if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", raw) and not raw.startswith("urn:"):
            raise ParameterError(f"{parameter.name}: not an absolute IRI: {raw!r}")
        return iri
    kind, _, slug = raw.lower().rpartition("/")
    kinds = (kind,) if kind else parameter.kinds
    if (
        not _SLUG.fullmatch(slug)
        or not kinds
        or (kind and parameter.kinds and kind not in parameter.kinds)
    ):
        expected = "/".join(parameter.kinds) or "kind"
        raise ParameterError(
            f"{parameter.name}: {raw!r} is neither an IRI nor a short form "
            f"({'slug or ' if parameter.kinds else ''}{expected}/slug)"
        )
    return kinds, slug


def entity_exists(store: Store, iri: ox.NamedNode) -> bool:
    """Whether the graph has the thing `iri` (a typed subject)."""
    return ask(store, filled_internal_query("binding-entity-exists", {"entity": iri}))


def _to_country(parameter: Parameter, raw: str, store: Store) -> Term:
    """`PL`, `pol` or the EU authority IRI, checked against the countries of the graph."""
    if ":" in raw:
        return _to_iri(parameter, raw, store)
    _country_form(parameter, raw)
    code = ox.Literal(raw.upper())
    result = select(store, filled_internal_query("binding-country-by-code", {"code": code}))
    for solution in result:
        country = solution["country"]
        if isinstance(country, ox.NamedNode):
            return country
    raise ParameterError(f"{parameter.name}: no country with the ISO code {raw.upper()!r}")


def _country_form(parameter: Parameter, raw: str) -> None:
    if ":" in raw:
        _iri_form(parameter, raw)
    elif not re.fullmatch(r"[A-Za-z]{2,3}", raw):
        raise ParameterError(f"{parameter.name}: a country is an ISO code (PL, POL) or an IRI")


def _to_string(parameter: Parameter, raw: str) -> Term:
    return ox.Literal(raw)


def _to_search(parameter: Parameter, raw: str) -> Term:
    """The text folded (lower case, no accents) as the query folds the labels it compares.

    Why not a regular expression: pyoxigraph compiles a pattern that comes from a variable once
    per row (a second for 1 000 labels), while the constant patterns of the query's fold are
    compiled once."""
    folded = fold(" ".join(raw.split()))
    if not folded:
        raise ParameterError(f"{parameter.name}: empty search text")
    return ox.Literal(folded)


def _to_language(parameter: Parameter, raw: str) -> Term:
    if not _LANGUAGE.fullmatch(raw):
        raise ParameterError(f"{parameter.name}: not a BCP 47 language tag: {raw!r}")
    return ox.Literal(raw.lower())


def _to_date(parameter: Parameter, raw: str) -> Term:
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise ParameterError(f"{parameter.name}: not a date (YYYY-MM-DD): {raw!r}") from None
    return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))


def _to_integer(parameter: Parameter, raw: str) -> Term:
    if not re.fullmatch(r"[+-]?\d{1,9}", raw):
        raise ParameterError(f"{parameter.name}: not an integer: {raw!r}")
    value = int(raw)
    low, high = parameter.minimum, parameter.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise ParameterError(f"{parameter.name}: {value} is outside {low}..{high}")
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _to_boolean(parameter: Parameter, raw: str) -> Term:
    lowered = raw.lower()
    if lowered not in _TRUE | _FALSE:
        raise ParameterError(f"{parameter.name}: not a boolean (true/false): {raw!r}")
    return ox.Literal(
        "true" if lowered in _TRUE else "false", datatype=ox.NamedNode(XSD + "boolean")
    )


# Types whose value is looked up in the store, and the others.
_LOOKUPS = {"iri": _to_iri, "country": _to_country}
# What can be checked of a looked-up type without the store: the value's form.
_FORMS = {"iri": _iri_form, "country": _country_form}
_PURE = {
    "string": _to_string,
    "search": _to_search,
    "language": _to_language,
    "date": _to_date,
    "integer": _to_integer,
    "boolean": _to_boolean,
}


def fill_blocks(text: str, terms: Mapping[str, Term | Sequence[Term]]) -> str:
    """Replace each binding block by a VALUES block of the terms given.

    A variable given no term is left out of the block (a block with none is left out whole): in
    SPARQL an UNDEF there means the same as no VALUES at all, but Virtuoso 7 answers an UNDEF
    joined with a property path or a nested OPTIONAL with no rows. A single-variable block may
    take a sequence of terms: one row each (the path search binds a whole frontier at once)."""

    def fill(match: re.Match[str]) -> str:
        names = block_variables(match)
        given = terms.get(names[0]) if len(names) == 1 else None
        if isinstance(given, Sequence):  # no terms: no row, and so no answer
            return f"VALUES (?{names[0]}) {{ {' '.join(f'({t})' for t in given)} }}"
        bound = [n for n in names if n in terms]
        if not bound:
            return ""
        variables = " ".join(f"?{n}" for n in bound)
        values = " ".join(str(terms[n]) for n in bound)
        return f"VALUES ({variables}) {{ ({values}) }}"

    return BINDING_BLOCK.sub(fill, text)


def filled_internal_query(name: str, terms: Mapping[str, Term | Sequence[Term]]) -> str:
    """A query the library runs itself (cancerkg/sparql/NAME.rq), its blocks filled."""
    return fill_blocks(internal_query(name), terms)
