"""Synthetic graphs shaped like data/, for the validation benchmark and its differential test.

`synthetic` makes valid-looking institutions and memberships (about 11 triples each);
`seeded_errors` adds records that break every kind of rule the shapes state (every constraint
component shapes/ uses, on every kind of target and path), so two engines can be compared on
results of every kind, not just on "conforms".
"""

from __future__ import annotations

import pyoxigraph as ox

ID = "https://w3id.org/cancerkg/id/"
CKG = "https://w3id.org/cancerkg/ontology#"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
nn, lit = ox.NamedNode, ox.Literal
RDF_TYPE = nn("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = nn("http://www.w3.org/2000/01/rdf-schema#label")
SOURCE = nn("http://purl.org/dc/terms/source")


def synthetic(n_institutions: int, offset: int = 0) -> list[ox.Triple]:
    """About 11 triples per institution + membership, like data/members-*.ttl."""
    out: list[ox.Triple] = []
    for i in range(offset, offset + n_institutions):
        inst = nn(f"{ID}organisation/synthetic-{i}")
        mem = nn(f"{ID}membership/noe-aya--synthetic-{i}")
        out += [
            ox.Triple(inst, RDF_TYPE, nn(CKG + "HealthcareProvider")),
            ox.Triple(inst, LABEL, lit(f"Synthetic hospital {i}", language="en")),
            ox.Triple(inst, nn("https://schema.org/addressLocality"), lit(f"City {i % 500}")),
            ox.Triple(inst, nn(CKG + "country"), nn(COUNTRY + "ITA")),
            ox.Triple(inst, nn(CKG + "rorId"), lit(f"0{i:06d}"[-7:].replace("0", "a", 1) + "00")),
            ox.Triple(inst, SOURCE, nn(f"https://example.org/h/{i}")),
            ox.Triple(mem, RDF_TYPE, nn(ORG + "Membership")),
            ox.Triple(mem, nn(ORG + "member"), inst),
            ox.Triple(mem, nn(ORG + "organization"), nn(f"{ID}network/noe-aya")),
            ox.Triple(mem, nn(ORG + "role"), nn(f"{ID}role/participant")),
            ox.Triple(mem, SOURCE, nn(f"https://example.org/m/{i}")),
        ]
    return out


def seeded_errors(copies: int) -> list[ox.Triple]:
    """`copies` times one broken record of every kind (about 120 triples each)."""
    out: list[ox.Triple] = []
    for i in range(copies):
        out += _broken(i)
    return out


def _broken(i: int) -> list[ox.Triple]:
    """One broken institution, membership, observation, tally, role, initiative and network."""
    inst = nn(f"{ID}organisation/broken-{i}")
    twin = nn(f"{ID}organisation/broken-twin-{i}")
    bad_iri = nn(f"{ID}Organisation/Broken_{i}")
    mem = nn(f"{ID}membership/noe-aya--broken-{i}")
    self_mem = nn(f"{ID}membership/broken-{i}--broken-{i}")
    obs = nn(f"{ID}observation/broken-{i}")
    tally = nn(f"{ID}tally/broken-{i}")
    role = nn(f"{ID}role/broken-{i}")
    initiative = nn(f"{ID}initiative/broken-{i}")
    network = nn(f"{ID}network/broken-{i}")
    interval = nn(f"{ID}interval/broken-{i}")
    start, end = nn(f"{ID}instant/broken-{i}-start"), nn(f"{ID}instant/broken-{i}-end")
    ckg = lambda name: nn(CKG + name)  # noqa: E731
    org = lambda name: nn(ORG + name)  # noqa: E731
    t = ox.Triple
    return [
        # institution: untagged and duplicate labels, no English label, bad acronym, note, source
        t(inst, RDF_TYPE, ckg("HealthcareProvider")),
        t(inst, LABEL, lit(f"Broken {i}")),
        t(inst, LABEL, lit(f"Cassé {i}", language="fr")),
        t(inst, LABEL, lit(f"Kaputt {i}", language="fr")),
        t(inst, ckg("acronym"), lit("")),
        t(inst, ckg("acronym"), lit(f"BR{i}", language="en")),
        t(inst, ckg("statusNote"), nn("https://example.org/note")),
        t(inst, SOURCE, lit(f"https://example.org/s/{i}")),
        t(inst, SOURCE, nn(f"ftp://example.org/s/{i}")),
        t(inst, nn("https://schema.org/url"), lit("www.example.org")),
        t(inst, nn("http://www.w3.org/2004/02/skos/core#exactMatch"), lit("Q1")),
        t(inst, ckg("country"), nn(COUNTRY + "ITA")),
        t(inst, ckg("country"), nn("https://example.org/country/Italy")),
        t(inst, ckg("rorId"), lit(f"https://ror.org/0{i}")),
        t(inst, ckg("confidence"), ckg("LowConfidence")),
        t(inst, org("memberOf"), nn(f"{ID}network/noe-aya")),
        t(inst, nn("https://schema.org/addressLocality"), lit("Rome", language="it")),
        # two institutions sharing a ROR id, one with a badly shaped IRI
        t(twin, RDF_TYPE, ckg("CancerCentre")),
        t(twin, LABEL, lit(f"Twin {i}", language="en")),
        t(twin, ckg("rorId"), lit("05wg1m734")),
        t(bad_iri, RDF_TYPE, ckg("ResearchOrganisation")),
        t(bad_iri, LABEL, lit(f"Bad IRI {i}", language="en")),
        t(bad_iri, ckg("rorId"), lit("05wg1m734")),
        # membership: no member, a literal organisation, a bad role, dates out of order
        t(mem, RDF_TYPE, org("Membership")),
        t(mem, org("organization"), lit("ITHACA")),
        t(mem, org("organization"), nn(f"{ID}network/noe-aya")),
        t(mem, org("role"), nn(f"{ID}role/king")),
        t(mem, org("role"), nn(f"{ID}role/full-member")),
        t(mem, SOURCE, nn(f"https://example.org/m/{i}")),
        t(mem, ckg("confidence"), ckg("HighConfidence")),
        t(mem, org("memberDuring"), interval),
        t(mem, org("memberDuring"), nn(f"{ID}interval/other-{i}")),
        t(interval, RDF_TYPE, nn(TIME + "Interval")),
        t(interval, nn(TIME + "hasBeginning"), start),
        t(interval, nn(TIME + "hasEnd"), end),
        t(interval, nn(TIME + "hasEnd"), nn(f"{ID}instant/broken-{i}-end2")),
        t(start, nn(TIME + "inXSDDate"), lit("2021-13-45", datatype=nn(XSD + "date"))),
        t(start, nn(TIME + "inXSDgYear"), lit("2022", datatype=nn(XSD + "gYear"))),
        t(end, nn(TIME + "inXSDgYear"), lit("2019", datatype=nn(XSD + "gYear"))),
        t(end, nn(TIME + "inXSDgYear"), lit("2018", datatype=nn(XSD + "gYear"))),
        # a membership of an organisation in itself, with a network role outside a network
        t(self_mem, RDF_TYPE, org("Membership")),
        t(self_mem, org("member"), inst),
        t(self_mem, org("organization"), inst),
        t(self_mem, org("role"), nn(f"{ID}role/hub")),
        t(self_mem, SOURCE, nn(f"https://example.org/m/self-{i}")),
        # count observation: negative and ill-typed counts, unknown qualifier, undated
        t(obs, RDF_TYPE, ckg("CountObservation")),
        t(obs, SOURCE, nn(f"https://example.org/o/{i}")),
        t(obs, ckg("observedEntity"), lit("somebody")),
        t(obs, ckg("count"), lit("-3", datatype=nn(XSD + "integer"))),
        t(obs, ckg("countryCount"), lit("abc", datatype=nn(XSD + "integer"))),
        t(obs, ckg("countQualifier"), lit("roughly")),
        t(obs, ckg("countedUnit"), nn("https://example.org/unit")),
        t(obs, ckg("observationDate"), lit("2021-05-01")),
        # a tally written by hand
        t(tally, RDF_TYPE, ckg("DomainMemberTally")),
        t(tally, ckg("tallyDomain"), nn(f"{ID}domain/noe-aya")),
        t(tally, ckg("currentMemberCount"), lit("3", datatype=nn(XSD + "integer"))),
        # a role outside the role scheme, with an untagged definition
        t(role, RDF_TYPE, org("Role")),
        t(role, LABEL, lit(f"Broken role {i}", language="en")),
        t(role, nn("http://www.w3.org/2004/02/skos/core#definition"), lit("no tag")),
        t(role, nn("http://www.w3.org/2004/02/skos/core#definition"), lit("a", language="en")),
        t(role, nn("http://www.w3.org/2004/02/skos/core#definition"), lit("b", language="EN")),
        # an initiative related to a string and to an unknown thing, with a string start date
        t(initiative, RDF_TYPE, ckg("Project")),
        t(initiative, LABEL, lit(f"Broken initiative {i}", language="en")),
        t(initiative, ckg("relatedTo"), lit("JANE")),
        t(initiative, ckg("buildsOn"), nn("https://example.org/unknown")),
        t(initiative, nn("https://schema.org/startDate"), lit("2020")),
        t(initiative, nn("https://schema.org/endDate"), lit("2019", datatype=nn(XSD + "gYear"))),
        t(initiative, ckg("fundedBy"), nn(f"{ID}funding-programme/nothing")),
        # a network that ends before it starts, covering a literal domain
        t(network, RDF_TYPE, ckg("NationalNetwork")),
        t(network, LABEL, lit(f"Broken network {i}", language="en")),
        t(
            network,
            nn("https://schema.org/startDate"),
            lit("2020-01-01", datatype=nn(XSD + "date")),
        ),
        t(network, nn("https://schema.org/endDate"), lit("2019-06-01", datatype=nn(XSD + "date"))),
        t(network, ckg("coversDomain"), lit("oncology")),
        t(network, ckg("budgetEUR"), lit("-5", datatype=nn(XSD + "decimal"))),
    ]


NETWORKS = ("euracan", "ithaca", "cranio", "genturis", "paedcan", "eurobloodnet", "skin")
ROLES = ("full-member", "affiliated-partner", "member")


def source_records(n_institutions: int) -> list[ox.Triple]:
    """Hand-written-style source data that conforms to the shapes: institutions (label,
    locality, country, source) with one to three memberships of the real networks, two thirds
    of them with a start year and a few ended: what a steward would write, nothing inferred,
    about 24 triples per institution."""
    out: list[ox.Triple] = []
    t = ox.Triple
    for i in range(n_institutions):
        inst = nn(f"{ID}organisation/synthetic-{i}")
        out += [
            t(inst, RDF_TYPE, nn(CKG + "HealthcareProvider")),
            t(inst, LABEL, lit(f"Synthetic hospital {i}", language="en")),
            t(inst, nn("https://schema.org/addressLocality"), lit(f"City {i % 500}")),
            t(inst, nn(CKG + "country"), nn(COUNTRY + ("ITA", "FRA", "DEU", "ESP")[i % 4])),
            t(inst, SOURCE, nn(f"https://example.org/h/{i}")),
        ]
        for k in range(1 + i % 3):
            out += _membership(inst, i, NETWORKS[(i + k) % len(NETWORKS)], k)
    return out


def _membership(inst: ox.NamedNode, i: int, network: str, k: int) -> list[ox.Triple]:
    """One membership of `inst` in `network`, dated for two of three institutions."""
    mem = nn(f"{ID}membership/{network}--synthetic-{i}")
    out = [
        ox.Triple(mem, RDF_TYPE, nn(ORG + "Membership")),
        ox.Triple(mem, nn(ORG + "member"), inst),
        ox.Triple(mem, nn(ORG + "organization"), nn(f"{ID}network/{network}")),
        ox.Triple(mem, nn(ORG + "role"), nn(f"{ID}role/{ROLES[(i + k) % 3]}")),
        ox.Triple(mem, SOURCE, nn(f"https://example.org/m/{i}")),
    ]
    if i % 3:
        interval, begin = ox.BlankNode(), ox.BlankNode()
        year = lit(str(2017 + i % 8), datatype=nn(XSD + "gYear"))
        out += [
            ox.Triple(mem, nn(ORG + "memberDuring"), interval),
            ox.Triple(interval, RDF_TYPE, nn(TIME + "Interval")),
            ox.Triple(interval, nn(TIME + "hasBeginning"), begin),
            ox.Triple(begin, RDF_TYPE, nn(TIME + "Instant")),
            ox.Triple(begin, nn(TIME + "inXSDgYear"), year),
        ]
    return out
