"""Find a query by name (queries/NAME.rq) or path (FILE.rq) and read its text."""

from __future__ import annotations

from pathlib import Path

from cancerkg.errors import InputError, UnknownQueryError
from cancerkg.sources import query_folder


def available_queries(folder: Path | None = None) -> list[str]:
    """Names of the queries in the library, sorted."""
    return sorted(p.stem for p in (folder or query_folder()).glob("*.rq"))


def load_query_text(name_or_path: str, folder: Path | None = None) -> str:
    """The text of a named query, or of a .rq file when a path is given."""
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise InputError(f"{path}: no such query file")
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: cannot read the query file ({error})") from None
    folder = folder or query_folder()
    candidate = folder / f"{name_or_path}.rq"
    if not candidate.is_file():
        names = ", ".join(available_queries(folder)) or "(none yet)"
        raise UnknownQueryError(f"no named query {name_or_path!r}; available: {names}")
    return candidate.read_text(encoding="utf-8")
