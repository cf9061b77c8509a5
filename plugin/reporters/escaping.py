"""Text from the plan, made safe for the place it is printed: one function per context.

Every string in a report may come from the pull request under review (addresses and
for_each keys, names, tags, policy documents, plan paths, `terraform_version`, error
texts), so none reaches an output as it is:

- **Characters that do not print** (C0 and C1 controls such as ESC and U+009B CSI,
  bidirectional controls such as U+202E, other format characters, line and paragraph
  separators, lone surrogates, non-characters) would repaint a terminal, reorder what a
  reviewer reads, or make a file unencodable. People-facing contexts show them as a
  visible escape (`\\u001b`, `\\u202e`, `\\udc80`), the way Terraform prints them in
  addresses; JSON keeps the exact value and writes them as `\\uXXXX` escapes, so the
  bytes are plain and the decoded string is unchanged. Tabs and line breaks become a
  space in one-line contexts.
- **CI log commands**: a GitHub Actions runner acts on any log line that starts with
  `::` (after leading blanks) and on `##[` anywhere in a line; neither may come from
  plan text, on stdout or on stderr.
- **Format syntax**: markdown markup, `@mentions`, autolinks and raw URLs, HTML; XML
  markup and characters XML 1.0 cannot carry; workflow-command separators; Mermaid's
  own syntax (links, `click` callbacks, directives, classes) and the HTML its labels may
  render.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

__all__ = [
    "WORD_JOINER",
    "json_document",
    "log_lines",
    "markdown_code",
    "markdown_text",
    "mermaid_label",
    "terminal_line",
    "visible",
    "workflow_data",
    "workflow_property",
    "xml_text",
]

# Line breaks and tabs: a space where the context is one line.
_BREAKS = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_BREAK_RUN = re.compile(f"[{re.escape(_BREAKS)}]+")
# Anything outside printable ASCII is looked at one character at a time.
_NOT_PLAIN = re.compile(r"[^\x20-\x7e]")
# Categories that never print: controls, format characters (bidi, zero-width, tags),
# surrogates, line and paragraph separators; and U+FFFE/U+FFFF-style non-characters.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _hidden(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in _HIDDEN_CATEGORIES
        or (code & 0xFFFE) == 0xFFFE
        or 0xFDD0 <= code <= 0xFDEF
    )


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _show(match: re.Match[str]) -> str:
    char = match.group()
    return _escape(char) if _hidden(char) else char


# A workflow command: `::name …::` at the start of a line (the runner trims leading
# white space first, any Unicode white space), or `##[name]` anywhere in it (the older
# syntax).
_LOG_COMMAND_START = re.compile(r"^([^\S\n]*)::", re.MULTILINE)
_LOG_COMMAND_OLD = re.compile(r"##\[")


def visible(value: Any) -> str:
    """One line in which every character prints: breaks become one space, characters
    that do not print become a visible escape, and `##[` cannot start a CI log command."""
    text = "" if value is None else str(value)
    text = _BREAK_RUN.sub(" ", text)
    if _NOT_PLAIN.search(text):
        text = _NOT_PLAIN.sub(_show, text)
    return _LOG_COMMAND_OLD.sub("##\\\\[", text) if "##[" in text else text


def terminal_line(value: Any) -> str:
    """A value on a line of a terminal or CI log (the text format, stderr lines)."""
    return visible(value)


def log_lines(document: str) -> str:
    """A whole line-oriented output, made safe for a CI log: no line starts a workflow
    command, whatever the values in it (applied last, to every line)."""
    return _LOG_COMMAND_START.sub(r"\1\\::", document)


# -- markdown -----------------------------------------------------------------------------

_MARKDOWN_ESCAPES = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "~": "\\~",
    "#": "\\#",
    "|": "\\|",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}
_MARKDOWN_PATTERN = re.compile("|".join(re.escape(c) for c in _MARKDOWN_ESCAPES))
# What GitHub turns into a notification or a link in text: @mentions (and e-mail
# addresses), URLs with a scheme, `www.` autolinks, and #123 references. A zero-width
# space after the trigger keeps the text readable and inert (as Renovate and Dependabot
# write mentions). Every alternative has a fixed length: a URL is broken at its `://`
# whatever the scheme before it, since reading the scheme back from each `:` (or forward
# from each word start, `[a-z][a-z0-9+.-]*:`) is quadratic on `a.a.a.…`, in one C call
# that the time limit cannot interrupt.
_ZWSP = "&#8203;"
_MARKDOWN_LINKS = re.compile(
    r"(?P<at>@)|(?P<scheme>:)(?=//)|(?P<www>\bwww)(?=\.)|(?P<ref>\\#)(?=\d)",
    re.IGNORECASE,
)


def _inert(match: re.Match[str]) -> str:
    return match.group() + _ZWSP


def markdown_text(value: Any) -> str:
    """Plain text for a table cell or a list item: one line, markup escaped, mentions,
    links and references made inert."""
    escaped = _MARKDOWN_PATTERN.sub(lambda m: _MARKDOWN_ESCAPES[m.group(0)], visible(value))
    return _MARKDOWN_LINKS.sub(_inert, escaped)


def markdown_code(value: Any, in_table: bool = True) -> str:
    """A code span that survives any backticks in the value (CommonMark: a longer fence).
    Nothing in a code span is a mention, a link or HTML."""
    flat = visible(value)
    runs = [len(r) for r in re.findall("`+", flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    if in_table:  # GFM splits table cells on `|` even inside code spans unless escaped
        flat = flat.replace("|", "\\|")
    return f"{fence}{pad}{flat}{pad}{fence}"


# -- Mermaid ------------------------------------------------------------------------------

# What a label keeps as it is: nothing that Mermaid's grammar, its entity pre-pass (which
# looks for `style…:…#…;` on a line), markdown or HTML reads as syntax.
_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 ._,=()+/-]")
# Mermaid sanitizes a label with DOMPurify, which decodes the entities, and then still
# reads syntax of its own in the text: `\n` (a line break), `$$…$$` (KaTeX), `fa:fa-…`
# (an icon element), `#br#` (its break placeholder). An invisible word joiner (U+2060)
# after each of these characters keeps every such sequence from forming.
_MERMAID_JOINED = re.compile(r"[\\$:#]")
WORD_JOINER = "\u2060"


def mermaid_label(value: Any) -> str:
    """Text for a quoted Mermaid label (`n0["…"]`): one line, every character that prints,
    and every one outside a short list of letters, digits and punctuation written as a
    Mermaid entity (`<` is `#60;`), so no character of the value can end the label, add
    a link, a `click` callback, a directive, a class, markup, or end a code fence (a
    backtick is `#96;`). Mermaid decodes the entities only after parsing, and a word
    joiner keeps the decoded text from reading as Mermaid's own label syntax."""
    joined = _MERMAID_JOINED.sub(lambda m: m.group() + WORD_JOINER, visible(value))
    return _MERMAID_UNSAFE.sub(lambda m: f"#{ord(m.group())};", joined)


# -- GitHub workflow commands --------------------------------------------------------------


def _show_hidden_but_breaks(match: re.Match[str]) -> str:
    char = match.group()
    return char if char in "\r\n" else _show(match)


def workflow_data(value: Any) -> str:
    """The message of a workflow command (`::error …::DATA`): `%`, CR and LF escaped the
    way the Actions toolkit does, so nothing can end the command or start another (the
    annotation shows the line breaks), and every other character that does not print
    shown as an escape."""
    text = "" if value is None else str(value)
    if _NOT_PLAIN.search(text):
        text = _NOT_PLAIN.sub(_show_hidden_but_breaks, text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(value: Any) -> str:
    """A property value of a workflow command (`title=…`)."""
    return workflow_data(value).replace(":", "%3A").replace(",", "%2C")


# -- XML -------------------------------------------------------------------------------------


def xml_text(value: Any) -> str:
    """Text for an XML attribute or element (ElementTree escapes the markup): one line,
    every character printable, so none is one XML 1.0 cannot carry."""
    return visible(value)


# -- JSON -------------------------------------------------------------------------------------


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if not _hidden(char):
        return char
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # JSON spells the rest as a surrogate pair
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def json_document(data: Any) -> str:
    """JSON that keeps every value exact while its bytes hold no character that does
    not print (json escapes C0 controls itself; the rest are written as `\\uXXXX`), and
    no `##[` a CI log would act on."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if _NOT_PLAIN_JSON.search(text):
        text = _NOT_PLAIN_JSON.sub(_json_escape, text)
    return text.replace("##[", "##\\u005b") + "\n"


# Outside printable ASCII and the whitespace json.dumps writes between tokens.
_NOT_PLAIN_JSON = re.compile(r"[^\x20-\x7e\n]")
