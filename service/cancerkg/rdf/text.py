"""Text as search compares it: lower case, accents and a few letters folded (ł → l, ß → ss),
the same fold the build's ckg:searchKey rule (ontology/rules/07-search-keys.rq) applies."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: what label search compares."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_EXTRA_FOLDS)


_EXTRA_FOLDS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "þ": "th",
    }
)
