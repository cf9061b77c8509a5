"""Which lock tables and state buckets a text names, found in one pass over the text.

Kept apart from `_targets` (the targets as values): this is the search, its notion of a
whole word, and what keeps it linear in the text whatever the number of targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._targets import BackendTarget

__all__ = ["TextMatcher"]

# Characters that continue a table or bucket name: a match must not touch them, so
# "terraform-state-lock" is not found in "terraform-state-lock-2" or "my.terraform-state-lock".
_NAME_CHAR = r"A-Za-z0-9_\-"
_BEFORE = rf"(?<![{_NAME_CHAR}.])"
# A dot ends the name unless another name character follows it ("lock.v2" is another
# table); S3 host names ("bucket.s3.amazonaws.com", "bucket.s3-us-west-2…") still match.
_AFTER = rf"(?![{_NAME_CHAR}])(?!\.(?!s3[.\-])[{_NAME_CHAR}])"
_NAME_RUN = re.compile(r"[A-Za-z0-9_.\-]+")
_NAME_TAIL = re.compile(r"[A-Za-z0-9_.\-]+\Z")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_NAME_CHARS_AND_DOT = _NAME_CHARS | {"."}
# DynamoDB table names are at most 255 characters, S3 bucket names 63.
_LONGEST_NAME = 255
# Up to this many words, a text is first scanned for each (see `TextMatcher.find`).
_FEW_WORDS = 8


class TextMatcher:
    """Finds the targets named in a text in one pass over it, however many there are.

    A name or ARN matches as a whole word: not inside a longer name (`lock` is not in
    `lock-2` or `my.lock`), and a dot ends it unless another name follows (`lock.v2` is
    another table; S3 host names `bucket.s3.amazonaws.com` still match). So a word ends
    in a run of name characters (`A-Z a-z 0-9 _ . -`) that starts where it starts (a
    name) or right after its ARN's prefix (`arn:…:table/`), and ends at the run's end or
    at a dot of it: the text is cut into runs, and each run's few possible words are
    looked up. (One expression per target searched over every text was the targets
    times the text: 400 lock tables in a 24 MB plan took 159 s.) Words no table or
    bucket can end in (other characters, over 255 of them) are matched one expression
    per target.
    """

    def __init__(self, targets: list[BackendTarget]) -> None:
        self._order = {id(t): n for n, t in enumerate(targets)}
        # The word that ends a name or ARN -> (target, what comes before it in the ARN).
        self._words: dict[str, list[tuple[BackendTarget, str]]] = {}
        self._longest = 0
        # With a few words, a text holding none of them (most texts) is answered by as
        # many substring scans; with many, by the runs (linear whatever their number).
        self._few: tuple[str, ...] | None = None
        self._others: list[tuple[re.Pattern[str], BackendTarget]] = []
        for target in targets:
            odd = []
            for word in dict.fromkeys(w for w in (target.name, target.arn) if w):
                run = _NAME_TAIL.search(word)
                tail = run.group() if run else ""
                if tail and len(tail) <= _LONGEST_NAME:
                    entry = (target, word[: len(word) - len(tail)])
                    self._words.setdefault(tail, []).append(entry)
                    self._longest = max(self._longest, len(tail))
                else:
                    odd.append(word)
            if odd:
                alternatives = "|".join(re.escape(w) for w in sorted(odd, key=len, reverse=True))
                self._others.append((re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}"), target))
        if len(self._words) <= _FEW_WORDS:
            self._few = tuple(self._words)

    def find(self, text: str) -> list[BackendTarget]:
        found: dict[int, BackendTarget] = {}
        # A word found anywhere in the text is in it as a substring.
        few = self._few
        if self._words and (few is None or any(word in text for word in few)):
            words, longest = self._words, self._longest
            in_arns: list[tuple[BackendTarget, str, str]] = []
            # Each distinct run once (found by the regex engine, looked at in Python):
            # a run starts a word, since what comes before it is no name character.
            for run in set(_NAME_RUN.findall(text)):
                for word in _words_in_run(run, longest):
                    for target, prefix in words.get(word, ()):
                        if id(target) in found:
                            continue
                        if prefix:
                            in_arns.append((target, prefix, word))
                        else:
                            found[id(target)] = target
            # A target found by its ARN only (no name, or another one): where does it occur?
            for target, prefix, word in in_arns:
                if id(target) not in found and _whole_word_in(text, prefix + word):
                    found[id(target)] = target
        for pattern, target in self._others:
            if id(target) not in found and pattern.search(text):
                found[id(target)] = target
        return sorted(found.values(), key=lambda t: self._order[id(t)])


def _words_in_run(run: str, longest: int) -> Iterator[str]:
    """The words a run of name characters may hold, all starting where it starts: the
    run, and its part before each dot that no other name follows (or that an S3 host name
    does: `.s3.`, `.s3-`); at most `longest` characters each."""
    if len(run) <= longest:
        yield run
    dot = run.find(".", 0, longest + 1)
    while dot != -1:
        after = run[dot + 1 : dot + 4]
        if not after or after[0] not in _NAME_CHARS or after in ("s3.", "s3-"):
            yield run[:dot]
        dot = run.find(".", dot + 1, longest + 1)


def _whole_word_in(text: str, word: str) -> bool:
    """Whether `word` occurs in `text` as a whole word (what `_BEFORE` and `_AFTER` say)."""
    at = text.find(word)
    while at != -1:
        before = at == 0 or text[at - 1] not in _NAME_CHARS_AND_DOT
        if before and _ends_word(text, at + len(word)):
            return True
        at = text.find(word, at + 1)
    return False


def _ends_word(text: str, end: int) -> bool:
    if end == len(text):
        return True
    char = text[end]
    if char in _NAME_CHARS:
        return False
    if char != ".":
        return True
    after = text[end + 1 : end + 4]
    return not after or after[0] not in _NAME_CHARS or after in ("s3.", "s3-")
