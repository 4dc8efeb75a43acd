"""Where the knowledge files are, which graph each one goes to, and a fingerprint of them all.

The folders ontology/, shapes/, data/ and queries/ ship inside the wheel (cancerkg/knowledge/);
in a source checkout they sit at the repository root. CANCERKG_SOURCES points elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cancerkg import __version__
from cancerkg.errors import BuildError
from cancerkg.rdf.iris import graph_iri
from cancerkg.rdf.parsing import RDF_FORMAT_BY_SUFFIX
from cancerkg.store.releases import LAYOUT

RDF_FOLDERS = ("ontology", "shapes", "data")
# STORE/accepted/: submissions a reviewer accepted (docs/submissions.md)
ACCEPTED_FOLDER = "accepted"
SUBMISSIONS = "submissions"  # their named graphs: graph/submissions/<id>
ENV_SOURCES = "CANCERKG_SOURCES"


@dataclass(frozen=True)
class SourceFile:
    """One RDF source file and the named graph it is loaded into."""

    path: Path
    folder: str
    graph: str

    @property
    def relative(self) -> str:
        return f"{self.folder}/{self.path.name}"


def knowledge_root() -> Path:
    """The folder holding ontology/, shapes/, data/ and queries/."""
    override = os.environ.get(ENV_SOURCES)
    candidates = [Path(override)] if override else []
    package = Path(__file__).resolve().parents[1]  # cancerkg/
    candidates += [package / "knowledge", package.parents[1]]
    for candidate in candidates:
        if (candidate / "ontology").is_dir() and (candidate / "data").is_dir():
            return candidate
    where = ", ".join(str(c) for c in candidates)
    raise BuildError(
        f"no knowledge folders (ontology/, data/) found in {where}; "
        f"set {ENV_SOURCES} to a folder that has them"
    )


def rdf_sources(root: Path | None = None) -> list[SourceFile]:
    """Every RDF source file, in a stable order (ontology, shapes, data; then by name)."""
    root = root or knowledge_root()
    found: list[SourceFile] = []
    for folder in RDF_FOLDERS:
        directory = root / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.suffix in RDF_FORMAT_BY_SUFFIX and path.is_file():
                stem = path.relative_to(directory).with_suffix("").as_posix()
                found.append(SourceFile(path, folder, graph_iri(folder, stem)))
    return found


def accepted_sources(store_dir: Path) -> list[SourceFile]:
    """The accepted submissions under the store folder, in id (arrival) order: sources of every
    build into that store, so a rebuild never drops what a reviewer accepted."""
    folder = store_dir / ACCEPTED_FOLDER
    if not folder.is_dir():
        return []
    return [
        SourceFile(path, SUBMISSIONS, graph_iri(SUBMISSIONS, path.stem))
        for path in sorted(folder.glob("*.ttl"))
        if path.is_file() and not path.name.startswith(".")
    ]


def rule_files(root: Path | None = None) -> list[Path]:
    """The inference rules (SPARQL CONSTRUCT) applied by the build, in name order."""
    root = root or knowledge_root()
    return sorted((root / "ontology" / "rules").glob("*.rq"))


def summary_files(root: Path | None = None) -> list[Path]:
    """The summary queries (CONSTRUCT with counts) run once after the rules, in name order."""
    root = root or knowledge_root()
    return sorted((root / "ontology" / "summaries").glob("*.rq"))


def query_folder(root: Path | None = None) -> Path:
    """The folder of named queries."""
    return (root or knowledge_root()) / "queries"


def fingerprint(root: Path | None = None, extra: list[SourceFile] | None = None) -> str:
    """A digest of every input of the build (with `extra` sources such as accepted
    submissions), so an unchanged tree is not rebuilt."""
    root = root or knowledge_root()
    digest = hashlib.sha256(f"cancerkg {__version__} layout {LAYOUT}\n".encode())
    files = [s.path for s in rdf_sources(root)] + rule_files(root) + summary_files(root)
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for source in extra or []:
        digest.update(source.relative.encode() + b"\0")
        digest.update(hashlib.sha256(source.path.read_bytes()).digest())
    return digest.hexdigest()[:16]
