"""Finding many strings in a text in time linear in the text, however many strings.

The strings are kept in a trie of their first `DEPTH` characters. At each position of a
text the trie is walked at most `DEPTH` steps, which finds every string that starts
there and is at most that long. A longer string hangs at the trie node of its first
`DEPTH` characters; the text is compared with it only there, and where a string that
must be withheld *anywhere* (a secret) agrees with the text for at least `DEPTH`
characters but not to its end, that agreement is what matches: the beginning of a
secret is still the secret, and the text it covers is skipped, so the comparison is
paid for by the characters it consumes. A text therefore costs at most `DEPTH` steps and
`LONG_COMPARED` comparisons per position, where filing strings under a short head and
comparing each (thousands of secrets sharing one head) cost their product.

Memory is one small dict per trie node: at most `DEPTH` nodes per string.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["ANYWHERE", "DEPTH", "TOKEN", "Entry", "Matcher"]

ANYWHERE, TOKEN = 0, 1
Entry = tuple[str, int, str]  # (form as it may appear in a text, how matched, origin)
DEPTH = 48
# Strings longer than DEPTH sharing their first DEPTH characters compared at one position:
# beyond this many, the longest are compared (secrets sharing 48 characters are decoys).
LONG_COMPARED = 8


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


class Matcher:
    """Strings (each an `Entry`) to find in texts, matched anywhere or as whole tokens."""

    __slots__ = ("_below", "_ends", "_heads", "_long", "_next", "has_tokens", "min_length")

    def __init__(self, entries: Iterable[Entry], min_length: int) -> None:
        self.min_length = min_length
        self._next: list[dict[str, int]] = [{}]
        self._ends: dict[int, list[Entry]] = {}  # node -> entries ending there
        self._long: dict[int, list[Entry]] = {}  # node at DEPTH -> longer entries
        self._below: set[int] = set()  # nodes with an ANYWHERE entry going deeper
        self.has_tokens = False
        self._heads: set[str] = set()
        for entry in entries:
            form, how, _ = entry
            if len(form) < min_length:
                continue
            self._heads.add(form[:min_length])
            self.has_tokens = self.has_tokens or how == TOKEN
            node, path = 0, []
            for char in form[:DEPTH]:
                step = self._next[node].get(char)
                if step is None:
                    step = self._next[node][char] = len(self._next)
                    self._next.append({})
                path.append(node)
                node = step
            if how == ANYWHERE:
                self._below.update(path)
            if len(form) <= DEPTH:
                self._ends.setdefault(node, []).append(entry)
            else:
                self._long.setdefault(node, []).append(entry)
                if how == ANYWHERE:
                    self._below.add(node)
        for bucket in self._long.values():
            bucket.sort(key=lambda item: (-len(item[0]), item[0]))

    def __bool__(self) -> bool:
        return len(self._next) > 1

    def anywhere(self, text: str) -> bool:
        """Whether an entry may start anywhere in the text (`at` and `begins_secret` find
        nothing where this is False): one set look-up per position, to skip most texts."""
        heads, size = self._heads, self.min_length
        return bool(heads) and any(
            text[pos : pos + size] in heads for pos in range(len(text) - size + 1)
        )

    def at(self, text: str, pos: int) -> Iterator[tuple[Entry, int]]:
        """The entries that match at `pos` (as whole tokens where they must), longest
        first, each with the length it covers (less than its own for a long secret
        whose beginning only agrees with the text)."""
        if text[pos] not in self._next[0]:
            return
        node, found = 0, []
        for i in range(pos, min(len(text), pos + DEPTH)):
            node = self._next[node].get(text[i], -1)
            if node < 0:
                break
            for entry in self._ends.get(node, ()):
                if _fits(text, pos, entry):
                    found.append((entry, len(entry[0])))
        else:
            if node:
                yield from self._long_at(text, pos, node)
        yield from reversed(found)

    def _long_at(self, text: str, pos: int, node: int) -> list[tuple[Entry, int]]:
        found: list[tuple[Entry, int]] = []
        for entry in self._long.get(node, ())[:LONG_COMPARED]:
            if text.startswith(entry[0], pos):
                if _fits(text, pos, entry):
                    found.append((entry, len(entry[0])))
            elif entry[1] == ANYWHERE:
                found.append((entry, _agreement(text, pos, entry[0])))
        return sorted(found, key=lambda item: -item[1])

    def begins_secret(self, text: str, pos: int, end: int) -> bool:
        """Whether `text[pos:end]` (at least `min_length` characters) is the beginning of
        a longer string matched anywhere: a secret cut short by whoever wrote the text."""
        if end - pos < self.min_length:
            return False
        node = 0
        for i in range(pos, min(end, pos + DEPTH)):
            node = self._next[node].get(text[i], -1)
            if node < 0:
                return False
        if end - pos <= DEPTH:
            return node in self._below
        piece = text[pos:end]
        return any(
            how == ANYWHERE and len(form) > len(piece) and form.startswith(piece)
            for form, how, _ in self._long.get(node, ())[:LONG_COMPARED]
        )

    def origins_in(self, text: str) -> set[str]:
        """The origins of entries occurring anywhere in `text` (tokens or not). Of the
        long entries whose beginning occurs, at most `LONG_COMPARED` are looked for in
        the whole text: the answer may miss some, never names one absent."""
        found: set[str] = set()
        long: dict[Entry, None] = {}
        for pos in range(len(text) - self.min_length + 1):
            node = 0
            for i in range(pos, min(len(text), pos + DEPTH)):
                node = self._next[node].get(text[i], -1)
                if node < 0:
                    break
                found.update(origin for _, _, origin in self._ends.get(node, ()))
            else:
                for entry in self._long.get(node, ()) if node else ():
                    long.setdefault(entry)
        found.update(o for f, _, o in list(long)[:LONG_COMPARED] if f in text)
        return found


def _fits(text: str, pos: int, entry: Entry) -> bool:
    form, how, _ = entry
    if how != TOKEN:
        return True
    end = pos + len(form)
    if _word(form[0]) and pos > 0 and _word(text[pos - 1]):
        return False
    return not (_word(form[-1]) and end < len(text) and _word(text[end]))


def _agreement(text: str, pos: int, form: str) -> int:
    """How many characters of `form` the text repeats from `pos` (its first DEPTH do),
    found by doubling then halving, each step a comparison in C."""
    low, high = DEPTH, DEPTH * 2
    while high < len(form) and text.startswith(form[:high], pos):
        low, high = high, high * 2
    high = min(high, len(form))
    while low < high - 1:
        middle = (low + high) // 2
        if text.startswith(form[:middle], pos):
            low = middle
        else:
            high = middle
    return low
