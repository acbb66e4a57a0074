"""Which names in a team's list look like a typo or variant of a name being added (pure Python).

Used wherever a caseworker's name enters the program (the "add caseworker" action, the tracker
import) so that "Priya Sha" is shown next to "Priya Shah" before a second caseworker is created.
It only ever warns: two different people may have similar names, so the user decides.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Up to this many single-character edits (insert, delete, substitute, swap of two neighbours)
# after folding case, accents, spaces and punctuation.
MAX_EDITS = 2


@lru_cache(maxsize=4096)  # an import asks about each name, then files it: folded twice
def normalise(name: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive form: "  O'Neil,  Séan " -> "oneil sean"."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        if char.isalnum():
            kept.append(char.casefold())
        elif char.isspace() or char in ",.-_/":
            # Separators between parts of a name; apostrophes inside a name are dropped instead.
            kept.append(" ")
    return " ".join("".join(kept).split())


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours counts once), stopped past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _allowed_edits(a: str, b: str) -> int:
    # Very short names are all within two edits of each other ("Al Li" / "Bo Li"), so allow
    # one edit per four characters of the shorter name, never more than MAX_EDITS.
    return min(MAX_EDITS, min(len(a), len(b)) // 4)


def _first_names_match(a: str, b: str) -> bool:
    """ "p" ~ "priya", "chris" ~ "christopher": an initial or a shortened form of the other."""
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return longer.startswith(shorter) and (len(shorter) == 1 or len(shorter) >= 3)


def _variant(new: str, old: str) -> bool:
    if new == old:
        return True
    # Spaces are not evidence of a different person: "Mary Jane Lee" / "Maryjane Lee".
    squashed_new, squashed_old = new.replace(" ", ""), old.replace(" ", "")
    if squashed_new == squashed_old:
        return True
    if _edit_distance(new, old, MAX_EDITS) <= _allowed_edits(squashed_new, squashed_old):
        return True
    new_parts, old_parts = new.split(), old.split()
    if len(new_parts) >= 2 and len(old_parts) >= 2:
        # Swapped first and last name ("Shah Priya", "Shah, Priya").
        if sorted(new_parts) == sorted(old_parts):
            return True
        # Same surname, first names an initial or shortening of each other ("P Shah",
        # "Chris Lee" / "Christopher Lee"); a middle name present in one only does not matter.
        if new_parts[-1] == old_parts[-1] and _first_names_match(new_parts[0], old_parts[0]):
            return True
        # The same with the surname written first in one of them ("Shah P").
        if new_parts[0] == old_parts[-1] and _first_names_match(new_parts[-1], old_parts[0]):
            return True
        if new_parts[-1] == old_parts[0] and _first_names_match(new_parts[0], old_parts[-1]):
            return True
    return False


def near_duplicates(name: str, existing: Iterable[str]) -> list[str]:
    """The names in existing that look like a typo or variant of name, closest first.

    A variant is: the same after folding case, accents, spaces and punctuation; within
    MAX_EDITS single-character edits (fewer for short names); the same surname with a matching
    initial or shortened first name; first and last name swapped. A name written exactly as
    name is not returned (it is the same name, not a near-duplicate), nor is a blank one.
    """
    return _closest(name, enumerate(existing))


def _closest(name: str, candidates: Iterable[tuple[int, str]]) -> list[str]:
    """near_duplicates over (position, name) pairs in position order."""
    wanted = normalise(name)
    if not wanted:
        return []
    found: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for position, candidate in candidates:
        if candidate == name or candidate in seen:
            continue
        folded = normalise(candidate)
        if not folded or not _variant(wanted, folded):
            continue
        seen.add(candidate)
        distance = _edit_distance(wanted, folded, len(wanted) + len(folded))
        found.append((distance, position, candidate))
    found.sort()
    return [candidate for _distance, _position, candidate in found]


def _deletions(text: str, depth: int) -> set[str]:
    """text with up to depth characters deleted (two strings within d edits share one)."""
    found = {text}
    layer = {text}
    for _ in range(depth):
        layer = {s[:i] + s[i + 1 :] for s in layer for i in range(len(s))}
        found |= layer
    return found


def _depth(folded: str) -> int:
    # _allowed_edits of a pair is at most this for each of its names.
    return min(MAX_EDITS, len(folded.replace(" ", "")) // 4)


@lru_cache(maxsize=1024)  # NameIndex.near asks about a name, then .add files it: built once
def _deletion_keys(folded: str) -> frozenset[str]:
    return frozenset("d:" + d for d in _deletions(folded, _depth(folded)))


class NameIndex:
    """near_duplicates against a growing list of names without comparing with every one.

    An import adding hundreds of caseworkers to an authority's hundreds would otherwise compare
    each new name with every name so far. The index keeps, for each name, the keys any variant
    of it must share (its squashed form, its sorted parts, its surname with the first initial,
    its first name with the surname's initial, and its deletion neighbourhood for the edit
    distance); only names sharing a key are checked, with the same test as near_duplicates,
    so `NameIndex(existing).near(name) == near_duplicates(name, existing)`.
    """

    def __init__(self, existing: Iterable[str] = ()) -> None:
        self._names: list[str] = []
        self._keys: dict[str, list[int]] = {}
        for name in existing:
            self.add(name)

    @staticmethod
    def _filing_keys(folded: str, *, asking: bool) -> set[str]:
        """The keys a name is filed under, or (asking) the keys its variants are filed under."""
        keys = {"s:" + folded.replace(" ", "")}
        keys.update(_deletion_keys(folded))
        parts = folded.split()
        if len(parts) >= 2:
            first, last = parts[0], parts[-1]
            keys.add("p:" + " ".join(sorted(parts)))
            # Filed: surname + first initial, first name + surname's initial. Asked: the same
            # surname; the surname written first in the new name; in the old one.
            keys.add(f"l:{last} {first[0]}")
            keys.add(f"l:{first} {last[0]}" if asking else f"f:{first} {last[0]}")
            if asking:
                keys.add(f"f:{last} {first[0]}")
        return keys

    def add(self, name: str) -> None:
        position = len(self._names)
        self._names.append(name)
        folded = normalise(name)
        if folded:
            for key in self._filing_keys(folded, asking=False):
                self._keys.setdefault(key, []).append(position)

    def near(self, name: str) -> list[str]:
        """near_duplicates(name, the names added so far)."""
        wanted = normalise(name)
        if not wanted:
            return []
        positions: set[int] = set()
        for key in self._filing_keys(wanted, asking=True):
            positions.update(self._keys.get(key, ()))
        return _closest(name, ((p, self._names[p]) for p in sorted(positions)))
