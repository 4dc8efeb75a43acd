"""Named queries: the catalogue, typed binding, injection attempts, and the expected answer of every
query on the real data, identical on the oxigraph and memory (rdflib) backends.

Expected answers were checked by hand against data/*.ttl (file and node named next to each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
import pytest

from cancerkg.errors import ParameterError, UnknownQueryError
from cancerkg.named_queries.catalog import PARAM_TYPES, catalogue, named_query
from cancerkg.named_queries.run import run_query, select_named
from cancerkg.rdf.terms import term_text
from cancerkg.store.memory import MemoryStore
from cancerkg.store.oxigraph import OxigraphStore
from cancerkg.store.protocol import Store

ID = "https://w3id.org/cancerkg/id/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
Rows = list[dict[str, str]]


def rows(store: Store, name: str, **arguments: str) -> Rows:
    """Solutions as {variable: lexical value}, sorted, so two backends compare equal."""
    result = select_named(store, name, arguments)
    found = [{v: term_text(row[v]) for v in result.variables} for row in result]
    return sorted(found, key=lambda r: tuple(r.values()))


def short(value: str) -> str:
    return value.removeprefix(ID).removeprefix(COUNTRY)


def column(found: Rows, name: str) -> list[str]:
    return [short(r[name]) for r in found]


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def store(request: pytest.FixtureRequest) -> Store:
    fixture: Store = request.getfixturevalue(f"{request.param}_store")
    return fixture


# ---------------------------------------------------------------- catalogue and CLI


def test_catalogue_has_twenty_documented_queries() -> None:
    queries = catalogue()
    assert len(queries) >= 20
    for query in queries.values():
        assert query.title and query.description and query.question, query.name
        for parameter in query.parameters:
            assert parameter.type in PARAM_TYPES
            assert parameter.description, (query.name, parameter.name)


def test_cli_lists_every_query_with_its_title(cli: Any) -> None:
    done = cli("query", "--list")
    assert done.returncode == 0, done.stderr
    for query in catalogue().values():
        assert query.name in done.stdout and query.title in done.stdout


def test_cli_runs_a_named_query_with_parameters(cli: Any, store_dir: Any) -> None:
    done = cli(
        "query",
        "network-members",
        "--param",
        "network=euracan",
        "--param",
        "country=PL",
        "--format",
        "csv",
        "--store",
        str(store_dir),
    )
    assert done.returncode == 0, done.stderr
    assert f"{ID}organisation/nio-pib" in done.stdout


def test_cli_bad_parameter_exits_2_and_lists_valid_ones(cli: Any, store_dir: Any) -> None:
    done = cli("query", "network-members", "--param", "nework=euracan", "--store", str(store_dir))
    assert done.returncode == 2
    assert "nework" in done.stderr and "valid parameters: network" in done.stderr


def test_cli_injection_is_refused_with_exit_2(cli: Any, store_dir: Any) -> None:
    done = cli(
        "query",
        "network-members",
        "--param",
        "network=x> } UNION { ?s ?p ?o",
        "--store",
        str(store_dir),
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr


# ---------------------------------------------------------------- binding


def test_unknown_query_lists_the_known_ones(oxigraph_store: OxigraphStore) -> None:
    with pytest.raises(UnknownQueryError, match="network-members"):
        run_query(oxigraph_store, "no-such-query", {})


def test_missing_required_parameter(oxigraph_store: OxigraphStore) -> None:
    with pytest.raises(ParameterError, match=r"missing required parameter 'network'.*country"):
        run_query(oxigraph_store, "network-members", {})


def test_unknown_parameter_lists_valid_ones(oxigraph_store: OxigraphStore) -> None:
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) colour.*include_low"):
        run_query(oxigraph_store, "network-members", {"network": "euracan", "colour": "red"})


@pytest.mark.parametrize("country", ["PL", "pl", "POL", f"{COUNTRY}POL"])
def test_country_short_forms(oxigraph_store: OxigraphStore, country: str) -> None:
    found = rows(oxigraph_store, "network-members", network="euracan", country=country)
    assert column(found, "member") == ["organisation/nio-pib"]


@pytest.mark.parametrize(
    "network", ["euracan", "EURACAN", "network/euracan", f"{ID}network/euracan"]
)
def test_network_short_forms(oxigraph_store: OxigraphStore, network: str) -> None:
    found = rows(oxigraph_store, "network-members", network=network, country="PL")
    assert column(found, "member") == ["organisation/nio-pib"]


INJECTIONS = [
    '"} ; DROP ALL ; SELECT * {',
    "> } UNION { ?s ?p ?o",
    'x" . ?s ?p ?o . "',
    "') } UNION { ?s ?p ?o } #",
]

# One query and parameter per parameter type: (query, parameter, other arguments).
PER_TYPE = {
    "iri": ("network-members", "network", {}),
    "country": ("network-members", "country", {"network": "euracan"}),
    "boolean": ("network-members", "include_past", {"network": "euracan"}),
    "date": ("memberships-in-period", "from", {"to": "2021-12-31"}),
    "integer": ("multi-ern-institutions", "min", {}),
    "language": ("label-search", "lang", {"text": "oslo"}),
    "string": ("low-confidence-records", "file", {}),
    "search": ("label-search", "text", {}),
}


def test_every_parameter_type_has_an_injection_case() -> None:
    assert set(PER_TYPE) == set(PARAM_TYPES)


@pytest.mark.parametrize("attempt", INJECTIONS)
@pytest.mark.parametrize("param_type", sorted(PER_TYPE))
def test_injection_is_rejected_or_a_plain_value(
    oxigraph_store: OxigraphStore, param_type: str, attempt: str
) -> None:
    """Typed values (IRI, country, boolean, date, integer, language) refuse the text; free text
    (string, search) is bound as a literal and simply matches nothing."""
    name, parameter, others = PER_TYPE[param_type]
    arguments = {**others, parameter: attempt}
    if param_type in ("string", "search"):
        assert rows(oxigraph_store, name, **arguments) == []
    else:
        with pytest.raises(ParameterError, match=parameter):
            run_query(oxigraph_store, name, arguments)


def test_injection_as_free_text_on_memory_backend(memory_store: MemoryStore) -> None:
    assert rows(memory_store, "low-confidence-records", file=INJECTIONS[1]) == []


def test_parameter_values_out_of_range(oxigraph_store: OxigraphStore) -> None:
    with pytest.raises(ParameterError, match="outside"):
        run_query(oxigraph_store, "multi-ern-institutions", {"min": "0"})
    with pytest.raises(ParameterError, match="no network"):
        run_query(oxigraph_store, "network-members", {"network": "no-such-network"})
    with pytest.raises(ParameterError, match="no country"):
        run_query(oxigraph_store, "network-members", {"network": "euracan", "country": "XX"})


# ---------------------------------------------------------------- expected answers


def expect_network_members(store: Store) -> None:
    # data/members-cancer-erns.ttl mem:euracan--nio-pib: full member since 2017.
    found = rows(store, "network-members", network="euracan", country="PL")
    assert [(short(r["member"]), short(r["role"]), r["start"]) for r in found] == [
        ("organisation/nio-pib", "role/full-member", "2017")
    ]


def expect_institution_networks(store: Store) -> None:
    # data/jane.ttl: INT coordinates JANE and JANE-2, leads JANE-2 WP1, co-leads JANE-2 WP6;
    # its JANE WP1 and JANE-2 WP11 leads are low confidence.
    found = set(
        column(rows(store, "institution-networks", institution="int-milan"), "organisation")
    )
    assert {
        "project/jane",
        "project/jane-2",
        "work-package/jane-2-wp1",
        "work-package/jane-2-wp6",
        "network/euracan",
    } <= found
    assert not {"work-package/jane-wp1", "work-package/jane-2-wp11"} & found
    with_low = rows(store, "institution-networks", institution="int-milan", include_low="true")
    assert {"work-package/jane-wp1", "work-package/jane-2-wp11"} <= set(
        column(with_low, "organisation")
    )


def expect_shared_members(store: Store) -> None:
    # Intersection of the member slugs of data/members-cranio.ttl and data/members-ithaca.ttl
    # (round 3 resolved the ITHACA centres named by a city to their institutions by ROR id).
    found = rows(store, "shared-members", first="cranio", second="ithaca")
    assert sorted(column(found, "member")) == [
        "organisation/aarhus-university-hospital",
        "organisation/amsterdam-umc",
        "organisation/antwerp-university-hospital",
        "organisation/azienda-ospedaliera-di-padova",
        "organisation/carlo-besta",
        "organisation/erasmus-mc",
        "organisation/gemelli",
        "organisation/haukeland-university-hospital",
        "organisation/helsinki-university-hospital",
        "organisation/hospital-12-de-octubre",
        "organisation/hospital-de-santa-maria",
        "organisation/karolinska-university-hospital",
        "organisation/mater-dei-hospital",
        "organisation/meyer-childrens-hospital",
        "organisation/motol-university-hospital",
        "organisation/olsztyn-regional-specialised-childrens-hospital",
        "organisation/radboudumc",
        "organisation/sant-joan-de-deu-barcelona",
        "organisation/university-medical-centre-ljubljana",
        "organisation/university-of-pecs",
        "organisation/uz-leuven",
        "organisation/vall-dhebron",
        "organisation/vilnius-santaros-klinikos",
    ]


def expect_member_counts_by_country(store: Store) -> None:
    # data/members-ithaca.ttl: 73 centres in 26 countries, Italy 13, Germany 9, France 8.
    found = rows(store, "member-counts-by-country", network="ithaca")
    counts = {short(r["country"]): int(r["members"]) for r in found}
    assert len(counts) == 26 and sum(counts.values()) == 73
    assert (counts["ITA"], counts["DEU"], counts["FRA"]) == (13, 9, 8)


def expect_member_counts_by_domain(store: Store) -> None:
    # Current, not low-confidence members of JANE, JANE-2, their WP6 and the NoE (data/jane.ttl).
    found = rows(store, "member-counts-by-domain", domain="noe-palliative-care")
    assert {short(r["country"]): int(r["members"]) for r in found} == {
        "ESP": 6,
        "BEL": 2,
        "FRA": 2,
        "ITA": 2,
        "DEU": 1,
        "GRC": 1,
        "NOR": 1,
        "POL": 1,
    }


def expect_coverage_gaps_network(store: Store) -> None:
    # The 31 countries of data/countries.ttl less the 26 of data/members-ithaca.ttl.
    found = rows(store, "coverage-gaps-network", network="ithaca")
    assert sorted(r["code"] for r in found) == ["BG", "GB", "GR", "IS", "LI"]


def expect_coverage_gaps_domain(store: Store) -> None:
    found = rows(store, "coverage-gaps-domain", domain="noe-palliative-care")
    codes = {r["code"] for r in found}
    assert len(codes) == 31 - 8
    assert not codes & {"ES", "BE", "FR", "IT", "DE", "GR", "NO", "PL"}


def expect_domain_work_packages(store: Store) -> None:
    # data/jane.ttl: JANE WP6 led by OUS; JANE-2 WP6 led by OUS with INT as co-lead.
    found = rows(store, "domain-work-packages", domain="noe-palliative-care")
    assert sorted((short(r["workPackage"]), short(r["lead"]), short(r["role"])) for r in found) == [
        ("work-package/jane-2-wp6", "organisation/int-milan", "role/co-lead"),
        ("work-package/jane-2-wp6", "organisation/oslo-university-hospital", "role/lead"),
        ("work-package/jane-wp6", "organisation/oslo-university-hospital", "role/lead"),
    ]
    assert {short(r["network"]) for r in found} == {"network/noe-palliative-care"}


def expect_joint_action_partners(store: Store) -> None:
    # data/jane.ttl: Biosistemak (beneficiary and competent authority) and its four affiliates.
    found = rows(store, "joint-action-partners", project="jane", country="ES")
    assert sorted((short(r["partner"]), short(r["role"])) for r in found) == [
        ("organisation/biosistemak", "role/beneficiary"),
        ("organisation/biosistemak", "role/competent-authority"),
        ("organisation/ciber", "role/affiliated-entity"),
        ("organisation/csfja", "role/affiliated-entity"),
        ("organisation/ico", "role/affiliated-entity"),
        ("organisation/idival-scs", "role/affiliated-entity"),
    ]


def expect_related_initiatives(store: Store) -> None:
    # data/initiatives.ttl (proj:jane ...) and data/jane.ttl (proj:jane-2 ckg:follows proj:jane).
    found = rows(store, "related-initiatives", entity="jane")
    assert {
        (r["direction"], short(r["relation"].split("#")[-1]), short(r["other"])) for r in found
    } >= {
        ("outgoing", "alignedWith", "initiative/ebcp"),
        ("outgoing", "sisterOf", "project/crane"),
        ("outgoing", "collaboratesWith", "network/euracan"),
        ("incoming", "follows", "project/jane-2"),
    }
    assert all(not r["relation"].endswith(("relatedTo", "followedBy")) for r in found)


def expect_multi_ern_institutions(store: Store) -> None:
    # INT is a current member of EURACAN and GENTURIS (data/members-cancer-erns.ttl).
    found = {
        short(r["institution"]): int(r["networks"])
        for r in rows(store, "multi-ern-institutions", min="2")
    }
    assert found["organisation/int-milan"] == 2
    assert all(n >= 2 for n in found.values())


def expect_memberships_in_period(store: Store) -> None:
    # data/members-genturis.ttl: three UK hospitals left ERN GENTURIS on 2021-01-01.
    found = rows(store, "memberships-in-period", **{"from": "2020-06-01", "to": "2021-12-31"})
    assert (
        sorted((r["event"], r["date"], short(r["network"])) for r in found)
        == [("ended", "2021-01-01", "network/genturis")] * 3
    )


def expect_network_coordinators(store: Store) -> None:
    # docs/modelling.md and data/cancer-erns.ttl: Centre Léon Bérard coordinates EURACAN.
    found = rows(store, "network-coordinators", country="FR")
    assert ("organisation/centre-leon-berard", "network/euracan") in {
        (short(r["coordinator"]), short(r["network"])) for r in found
    }
    assert {short(r["country"]) for r in found} == {"FRA"}


def expect_relationship_paths(store: Store) -> None:
    # data/jane.ttl: OUS leads JANE WP6 and JANE-2 WP6, which prepare the palliative-care NoE.
    found = rows(
        store,
        "relationship-paths",
        source="oslo-university-hospital",
        target="network/noe-palliative-care",
    )
    shortest = [r for r in found if r["length"] == "2"]
    assert {short(r["node1"]) for r in shortest} == {
        "work-package/jane-wp6",
        "work-package/jane-2-wp6",
    }
    assert min(int(r["length"]) for r in found) == 2


def expect_label_search(store: Store) -> None:
    # data/cancer-centres.ttl "Centre Léon Bérard"; data/jane.ttl the Polish label of NIO-PIB.
    for text in ("leon berard", "LÉON BÉRARD", "Léon  Bérard"):
        assert "organisation/centre-leon-berard" in column(
            rows(store, "label-search", text=text), "entity"
        )
    polish = rows(store, "label-search", text="sklodowskiej", lang="pl")
    assert column(polish, "entity") == ["organisation/nio-pib"]
    # One letter matches most of the graph: the first 200 rows in order of English label. A
    # language narrows the keys before the 200 are chosen: the four labels in Polish with an "a"
    # (NIO-PIB's in data/jane.ttl; three registry institutions of the ITHACA and CRANIO tables)
    # are found although 200 entities with an "a" in English come first.
    result = run_query(store, "label-search", {"text": "a"})
    assert isinstance(result, ox.QuerySolutions)
    broad = [s["label"].value for s in result if s["label"] is not None]
    assert len(broad) == 200 and broad == sorted(broad)
    polish_a = rows(store, "label-search", text="a", lang="pl")
    assert column(polish_a, "entity") == [
        "organisation/childrens-memorial-health-institute",
        "organisation/gdansk-medical-university",
        "organisation/nio-pib",
        "organisation/olsztyn-regional-specialised-childrens-hospital",
    ]


def expect_low_confidence_records(store: Store) -> None:
    # The six records of data/jane.ttl flagged ckg:LowConfidence.
    found = {short(r["record"]) for r in rows(store, "low-confidence-records", file="jane")}
    assert {
        f"membership/{m}"
        for m in (
            "jane-2--idival-scs",
            "jane-wp1--int-milan",
            "jane-2-wp8--gemelli",
            "jane-2-wp11--int-milan",
            "jane-2-wp10--cnao",
        )
    } <= found
    assert len(found) == 6


def expect_networks_by_domain(store: Store) -> None:
    found = rows(store, "networks-by-domain", domain="noe-palliative-care")
    assert column(found, "network") == ["network/noe-palliative-care"]


def expect_project_work_packages(store: Store) -> None:
    # data/jane.ttl: JANE-2 has WP1-WP11; WP8 (Gemelli) and WP11 (INT) leads are low confidence.
    found = rows(store, "project-work-packages", project="jane-2")
    assert sorted({int(r["number"]) for r in found}) == list(range(1, 12))
    leads = {(int(r["number"]), short(r["lead"])) for r in found if r["lead"]}
    assert leads == {
        (1, "organisation/int-milan"),
        (6, "organisation/oslo-university-hospital"),
        (6, "organisation/int-milan"),
    }
    with_low = rows(store, "project-work-packages", project="jane-2", include_low="true")
    assert (8, "organisation/gemelli") in {
        (int(r["number"]), short(r["lead"])) for r in with_low if r["lead"]
    }


def expect_count_observations(store: Store) -> None:
    # data/jane.ttl obs:jane-*: 35 and 36 partners, 16 countries, 6 and 7 NoEs.
    found = rows(store, "count-observations", entity="jane")
    assert sorted(int(r["count"]) for r in found) == [6, 7, 16, 35, 36]


def expect_institutions_by_country(store: Store) -> None:
    found = {
        short(r["institution"]): int(r["memberships"])
        for r in rows(store, "institutions-by-country", country="IT")
    }
    assert {
        "organisation/int-milan",
        "organisation/universita-cattolica",
        "organisation/gemelli",
    } <= set(found)
    assert found["organisation/int-milan"] >= 5


def expect_former_members(store: Store) -> None:
    found = rows(store, "former-members", network="genturis", country="GB")
    assert len(found) == 3 and {r["end"] for r in found} == {"2021-01-01"}


def expect_accreditations(store: Store) -> None:
    # data/cancer-centres.ttl: INT accredited by OECI in 2013, then CCC in 2015.
    found = rows(store, "accreditations", country="IT")
    int_milan = sorted(
        (r["awarded"], short(r["status"])) for r in found if r["institution"].endswith("/int-milan")
    )
    assert ("2013", "accreditation-status/accredited") in int_milan
    assert {short(r["body"]) for r in found} == {"organisation/oeci"}


def expect_network_overview(store: Store) -> None:
    found = rows(
        store, "network-overview", type="https://w3id.org/cancerkg/ontology#CancerReferenceNetwork"
    )
    assert sorted(column(found, "network")) == [
        "network/euracan",
        "network/eurobloodnet",
        "network/genturis",
        "network/paedcan",
    ]


def expect_project_funding(store: Store) -> None:
    # data/jane.ttl grant:101075328 and grant:101183265, managed by HaDEA.
    found = {short(r["funded"]): r for r in rows(store, "project-funding", programme="eu4health")}
    jane = found["project/jane"]
    assert (jane["grantNumber"], jane["callTopic"], jane["budget"]) == (
        "101075328",
        "EU4H-2021-JA-04",
        "4000000",
    )
    assert found["project/jane-2"]["grantNumber"] == "101183265"
    assert short(jane["agency"]) == "organisation/hadea"


EXPECTATIONS: dict[str, Callable[[Store], None]] = {
    name.removeprefix("expect_").replace("_", "-"): check
    for name, check in globals().items()
    if name.startswith("expect_")
}


def test_every_named_query_has_an_expected_result() -> None:
    assert set(EXPECTATIONS) == set(catalogue())


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_expected_result(store: Store, name: str) -> None:
    EXPECTATIONS[name](store)


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_backends_agree(
    oxigraph_store: OxigraphStore, memory_store: MemoryStore, name: str
) -> None:
    arguments = named_query(name).example_arguments()
    found = rows(oxigraph_store, name, **arguments)
    assert found, f"{name}: its example returns no rows"
    assert found == rows(memory_store, name, **arguments)
