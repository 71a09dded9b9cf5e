"""New record ids: time-ordered and random, so writers in different copies never collide."""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from collections.abc import Callable

# Latin letters that Unicode does not decompose into a base letter plus a mark, and a plain
# romanisation of Armenian and Cyrillic (for ids only: names keep their own script).
_LATIN = {"ə": "e", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"}
_ARMENIAN = dict(
    zip(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
        "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k o f".split(),
        strict=True,
    )
)
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщыэюяіїєґў",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch y e yu ya i yi ye g u".split(),
        strict=True,
    )
)
_ROMANISE = str.maketrans({**_LATIN, **_ARMENIAN, **_CYRILLIC, "և": "ev", "ъ": "", "ь": ""})
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_NOT_SLUG = re.compile(r"[^a-z0-9]+").sub


def ulid(now_ms: int | None = None) -> str:
    """26 characters: 48 bits of milliseconds then 80 random bits (the ULID layout), lowercase."""
    value = ((now_ms if now_ms is not None else time.time_ns() // 1_000_000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    return f"{prefix}-{ulid()}"


def slugify(text: str, max_length: int = 60) -> str:
    """A readable id from a name: 'Kanach Zham (St John), Shushi' -> 'kanach-zham-st-john-shushi'."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.lower().replace("ու", "u").translate(_ROMANISE))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = _NOT_SLUG("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug.rstrip("-")


def free_id(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or the first of `base-2`, `base-3`... that `taken` does not claim."""
    candidate, number = base, 2
    while taken(candidate):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def base_id(record_id: str) -> str:
    """The id `free_id` numbered: 'st-sargis-3' -> 'st-sargis'; an id with no number stays."""
    base, _, number = record_id.rpartition("-")
    return base if base and number.isdigit() else record_id


def site_id_for(names: object, taken: Callable[[str], bool]) -> str:
    """A free id from a site's names as a record gives them (a list of {lang, text}): the English
    name if there is one, else the first, else a new random id."""
    given = names if isinstance(names, list) else []
    english = [n.get("text", "") for n in given if isinstance(n, dict) and n.get("lang") == "en"]
    any_name = [n.get("text", "") for n in given if isinstance(n, dict)]
    base = slugify((english or any_name or [""])[0]) or new_id("site")
    return free_id(base, taken)


def source_id_for(title: str, taken: Callable[[str], bool]) -> str:
    """A free id from a source's title: 'src-' and its slug, or a new random id if it has none."""
    title_slug = slugify(title, 48)
    return free_id(f"src-{title_slug}" if title_slug else new_id("src"), taken)
