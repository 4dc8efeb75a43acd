"""Coverage across Europe as a picture: a tile-grid map of the 31 EU/EEA countries, one square
per country coloured by a count (e.g. members of a network), drawn as inline SVG on the server.

A tile grid instead of a geographic map because every country gets the same area (Malta and
Luxembourg stay visible), it needs no map data or script in the browser, and a zero count is
a visible empty tile rather than a missing shape. The layout is data (maps/europe-tiles.tsv).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files

import pyoxigraph as ox

from cancerkg.internal_queries import internal_query
from cancerkg.rdf.iris import COUNTRY
from cancerkg.store.protocol import Store, ask, select

TILE = 56
GAP = 4
LEGEND_HEIGHT = 40
ZERO_FILL = "#f4f4f4"
# Sequential blues (ColorBrewer Blues, 5 classes): readable in print and by most colour-blind eyes.
SHADES = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
DARK_TEXT_FROM = 3  # shades at and past this index get white text


@dataclass(frozen=True)
class Tile:
    """One country's square."""

    iso3: str
    iso2: str
    name: str
    column: int
    row: int

    @property
    def iri(self) -> str:
        return COUNTRY + self.iso3


def europe_tiles() -> list[Tile]:
    """The 31 countries and where their tiles go."""
    text = files("cancerkg").joinpath("maps", "europe-tiles.tsv").read_text(encoding="utf-8")
    tiles = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        iso3, iso2, name, column, row = line.split("\t")
        tiles.append(Tile(iso3, iso2, name, int(column), int(row)))
    return tiles


def applies(store: Store, iri: str) -> bool:
    """Whether a resource is something with members across Europe (network, project, domain)."""
    return ask(
        store, internal_query("coverage-applies"), substitutions={"resource": ox.NamedNode(iri)}
    )


def member_counts(store: Store, iri: str) -> dict[str, int]:
    """Current members per country IRI of a network, project, unit or domain."""
    result = select(
        store, internal_query("coverage-members"), substitutions={"resource": ox.NamedNode(iri)}
    )
    counts: dict[str, int] = {}
    for row in result:
        country, members = row["country"], row["members"]
        if country is not None and members is not None:
            counts[country.value] = int(members.value)
    return counts


def render_svg(counts: Mapping[str, int], *, title: str, unit: str = "members") -> str:
    """The tile-grid map as an SVG element (a string to put inline in HTML). Every text is
    escaped by ElementTree, so a label can never inject markup."""
    tiles = europe_tiles()
    columns = max(t.column for t in tiles) + 1
    rows = max(t.row for t in tiles) + 1
    width, height = columns * (TILE + GAP), rows * (TILE + GAP) + LEGEND_HEIGHT
    top = max(counts.values(), default=0)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "class": "coverage-map",
            "aria-label": title,
        },
    )
    ET.SubElement(svg, "title").text = title
    for tile in tiles:
        _draw_tile(svg, tile, counts.get(tile.iri, 0), top, unit)
    _draw_legend(svg, top, rows * (TILE + GAP) + 8, unit)
    return ET.tostring(svg, encoding="unicode")


def shade(count: int, top: int) -> str:
    """The fill for a count: grey for zero, then five steps of blue up to the largest count."""
    if count <= 0 or top <= 0:
        return ZERO_FILL
    step = min(len(SHADES) - 1, (count * len(SHADES) - 1) // top)
    return SHADES[step]


def _draw_tile(svg: ET.Element, tile: Tile, count: int, top: int, unit: str) -> None:
    x, y = tile.column * (TILE + GAP), tile.row * (TILE + GAP)
    fill = shade(count, top)
    group = ET.SubElement(
        svg,
        "g",
        {
            "class": "tile",
            "data-country": tile.iso3,
            "data-count": str(count),
        },
    )
    ET.SubElement(group, "title").text = f"{tile.name}: {count} {unit}"
    ET.SubElement(
        group,
        "rect",
        {
            "x": str(x),
            "y": str(y),
            "width": str(TILE),
            "height": str(TILE),
            "rx": "4",
            "fill": fill,
            "stroke": "#999" if count == 0 else "#fff",
            "stroke-dasharray": "3 2" if count == 0 else "none",
        },
    )
    ink = "#fff" if fill in SHADES[DARK_TEXT_FROM:] else "#222"
    _text(group, x + TILE / 2, y + 22, tile.iso2, ink, "14", "bold")
    _text(group, x + TILE / 2, y + 42, str(count), ink, "13", "normal")


def _draw_legend(svg: ET.Element, top: int, y: int, unit: str) -> None:
    steps = [(ZERO_FILL, "0: none listed")]
    ranges: dict[str, list[int]] = {}
    for count in range(1, top + 1):  # the same rule as the tiles, so the legend cannot disagree
        ranges.setdefault(shade(count, top), []).append(count)
    for colour in SHADES:
        if colour in ranges:
            low, high = ranges[colour][0], ranges[colour][-1]
            steps.append((colour, f"{low}–{high}" if high > low else str(low)))
    legend = ET.SubElement(svg, "g", {"class": "legend"})
    x = 0
    for colour, text in steps:
        ET.SubElement(
            legend,
            "rect",
            {
                "x": str(x),
                "y": str(y),
                "width": "16",
                "height": "16",
                "fill": colour,
                "stroke": "#999",
            },
        )
        _text(legend, x + 20, y + 13, text, "#222", "12", "normal", anchor="start")
        x += 28 + 8 * len(text)
    _text(legend, x, y + 13, unit, "#555", "12", "normal", anchor="start")


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    text: str,
    fill: str,
    size: str,
    weight: str,
    anchor: str = "middle",
) -> None:
    node = ET.SubElement(
        parent,
        "text",
        {
            "x": f"{x:g}",
            "y": f"{y:g}",
            "fill": fill,
            "font-size": size,
            "font-weight": weight,
            "text-anchor": anchor,
            "font-family": "sans-serif",
        },
    )
    node.text = text
