"""What no output may contain, collected once per plan, and how findings are cleaned.

Policies quote the plan to explain a finding, so every text a finding or an error
carries is cleaned here, in the engine, whatever policy wrote it. What is withheld:

- **Secrets**, matched anywhere in a text: every sensitive scalar (resources, prior
  state, variables declared sensitive or named like a credential, outputs, sensitive
  variable defaults), and every value stored under a credential-like name
  (`model.looks_secret`: `DB_PASSWORD`, `apiKey`, `AWS_SECRET_ACCESS_KEY`, …) in any
  map or `name`/`value` entry of a resource, including the JSON documents of container
  definitions and other configuration attributes, Lambda and other environment maps, and
  tags. Terraform marks none of the latter, yet they are plainly credentials.
- **Document strings**, matched as whole tokens: the strings inside a sensitive value
  that is a JSON document (a statement id or an ARN in a policy marked sensitive, an
  environment variable in sensitive container definitions).
- **Quotes from a sensitive attribute**: a finding whose attribute is sensitive anywhere
  inside it has every string of that attribute withheld, and its change description
  says only that the value changes.

A secret that whoever wrote the text cut short (at the end, or before an ellipsis, as
`explain` shortens long values) is withheld from where it begins.

Each string is also withheld in the forms it takes once escaped, up to two levels: JSON
(`\\"`, `\\\\`, `\\n`, `\\uXXXX`), Terraform's `jsonencode` (`\\u003c`, `\\u003e`,
`\\u0026`) and Python's `repr` (exception texts).

What is never withheld, and why:

- Addresses. They are the report's contract, and Terraform forbids sensitive values in
  `for_each` keys, so an address shows only what the plan's own output shows. A withheld
  string that also occurs inside a resource address is left alone where the text names
  that address, and withheld everywhere else.
- Strings shorter than four characters, booleans, and (for document strings and
  quotes) numbers and JSON object keys: withholding `"api"`, `true`, `443` or
  `"Effect"` would garble every message and hide nothing.
- Document strings and quotes that the finding's own resources show in clear: a string
  that the finding's resource or a resource on its chain holds outside any sensitive
  value (`"2012-10-17"`, `"dynamodb:GetItem"` of a readable policy, a table's name) is no
  secret, and withholding it would garble other findings. Secrets in the first list are
  withheld even then.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .model import Resource, ResourceChange, looks_secret
from .values import has_true, json_int, normalise_path

if TYPE_CHECKING:
    from .plan import Plan
    from .policy import Finding

__all__ = ["MIN_LENGTH", "REDACTED", "Redactor", "redactor_for"]

REDACTED = "(sensitive value)"
# Shorter strings carry little of a secret and occur everywhere in prose.
MIN_LENGTH = 4
# JSON inside JSON inside JSON...: deeper than this is not a configuration anyone writes.
_MAX_DEPTH = 32
# Attribute names whose JSON strings may hold environment entries or settings (container
# definitions, job properties, configuration documents); other JSON strings (policy
# documents, the most common) are not parsed for credential names.
_DOCUMENT_PARTS = ("container", "definition", "environment", "properties", "variables", "config")
_NAME_KEYS = ("name", "Name", "key", "Key")
_VALUE_KEYS = ("value", "Value")


# -- escaped forms ----------------------------------------------------------------------


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _json_ascii(text: str) -> str:
    return json.dumps(text)[1:-1]


_GO_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _jsonencode(text: str) -> str:
    """As Terraform's `jsonencode` writes it (Go's encoder: HTML-safe, `\\u00XX` for the
    other control characters)."""
    return "".join(
        _GO_ESCAPES.get(char) or (f"\\u{ord(char):04x}" if char < " " else char) for char in text
    )


def _repr(text: str) -> str:
    return repr(text)[1:-1]


_ESCAPES = (_json, _json_ascii, _jsonencode, _repr)


def escaped_forms(text: str) -> set[str]:
    """The string and how it reads once escaped, once or twice (a document in a document)."""
    once = {text, *(escape(text) for escape in _ESCAPES)}
    twice = {escape(form) for form in once for escape in _ESCAPES}
    return once | twice


# -- collecting --------------------------------------------------------------------------


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _looks_json(text: str) -> bool:
    head = text[:64].lstrip()
    return head.startswith(("{", "[")) and len(text) > 1


def _parse(text: str) -> Any:
    try:
        return json.loads(text, parse_int=json_int)
    except (ValueError, RecursionError):
        return None


# Per name: whether it looks like a credential, whether its JSON strings are parsed.
# Names repeat (attribute names, environment keys): each is judged once per process.
_NAME_VERDICTS: dict[str, tuple[bool, bool]] = {}


def _verdict(name: str) -> tuple[bool, bool]:
    verdict = _NAME_VERDICTS.get(name)
    if verdict is None:
        lowered = name.lower()
        verdict = _NAME_VERDICTS[name] = (
            looks_secret(name),
            any(part in lowered for part in _DOCUMENT_PARTS),
        )
    return verdict


def _credential_values(root: Any, into: set[str]) -> None:
    """Values under credential-like names anywhere in a resource's object: map entries
    (`{"DB_PASSWORD": …}`), `name`/`value` entries (container environments, settings,
    tag blocks), and the same inside JSON documents held by configuration attributes.

    This visits every value of the plan (when a run has findings), so it is written for
    speed: one loop, verdicts on names cached, JSON parsed only where it may hold
    settings."""
    verdicts = _NAME_VERDICTS
    stack: list[Any] = [root]
    push, pop = stack.append, stack.pop
    while stack:
        node = pop()
        if node.__class__ is list:
            stack.extend(node)
            continue
        if node.__class__ is not dict:
            continue
        if "value" in node or "Value" in node:
            _name_value_entry(node, into)
        for key, item in node.items():
            kind = item.__class__
            if kind is dict or kind is list:
                push(item)
            elif kind is str:
                verdict = verdicts.get(key) or _verdict(key)
                if verdict[0]:
                    into.add(item)
                elif verdict[1] and _looks_json(item):
                    push(_parse(item))
            elif (kind is int or kind is float) and (verdicts.get(key) or _verdict(key))[0]:
                into.add(str(item))


def _name_value_entry(node: dict[str, Any], into: set[str]) -> None:
    for name_key in _NAME_KEYS:
        name = node.get(name_key)
        if isinstance(name, str) and looks_secret(name):
            for value_key in _VALUE_KEYS:
                value = node.get(value_key)
                if _is_scalar(value):
                    into.add(str(value))


def _document_strings(text: str, into: set[str], depth: int = 0) -> None:
    """The string values inside a JSON document (and in documents nested in it)."""
    if depth > _MAX_DEPTH or not _looks_json(text):
        return
    stack: list[Any] = [_parse(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            into.add(node)
            _document_strings(node, into, depth + 1)


def _strings_of(value: Any, marker: Any, into: set[str], *, keys: bool) -> None:
    """Every string and number in a value (inside JSON documents too); with `keys`, the
    keys of maps that are sensitive as a whole (Terraform hides those keys as well)."""
    stack: list[tuple[Any, Any]] = [(value, marker)]
    while stack:
        node, mark = stack.pop()
        whole = mark is True
        if isinstance(node, dict):
            for key, item in node.items():
                if keys and whole:
                    into.add(key)
                sub = True if whole else (mark.get(key) if isinstance(mark, dict) else None)
                stack.append((item, sub))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if whole:
                    stack.append((item, True))
                else:
                    fits = isinstance(mark, list) and i < len(mark)
                    stack.append((item, mark[i] if fits else None))
        elif isinstance(node, str):
            into.add(node)
            _document_strings(node, into)
        elif _is_scalar(node):
            into.add(str(node))


def _clear_strings(value: Any, marker: Any, into: set[str]) -> None:
    """The strings of a value that are outside every sensitive marker (what the plan's own
    output shows), inside JSON documents too."""
    stack: list[tuple[Any, Any]] = [(value, marker)]
    while stack:
        node, mark = stack.pop()
        if mark is True:
            continue
        if isinstance(node, dict):
            for key, item in node.items():
                stack.append((item, mark.get(key) if isinstance(mark, dict) else None))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                fits = isinstance(mark, list) and i < len(mark)
                stack.append((item, mark[i] if fits else None))
        elif isinstance(node, str):
            into.add(node)
            _document_strings(node, into)


def _sides(resource: Resource) -> Iterator[tuple[Any, Any]]:
    """(value, sensitivity marker) of each side of a resource: after and before."""
    if isinstance(resource, ResourceChange):
        change = resource.change
        yield change.get("after"), change.get("after_sensitive")
        yield change.get("before"), change.get("before_sensitive")
    else:
        yield resource.raw.get("values"), resource.raw.get("sensitive_values")


# -- matching ----------------------------------------------------------------------------

# How a string is matched: anywhere (a secret inside a URL or a longer word is still the
# secret), or only as a whole token that the plan does not show in clear (a document
# string or a number inside a longer word is a coincidence, and so is one that a
# resource shows in clear: withholding those would garble the text and hide nothing).
_ANYWHERE, _TOKEN = 0, 1

Entry = tuple[str, int, str]  # (form as it may appear in a text, how matched, origin)


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


class _Matcher:
    """Finds many strings in a text in one pass: each is filed under its first four
    characters, so a text costs one dictionary look-up per position however many
    strings a plan withholds."""

    __slots__ = ("_by_head",)

    def __init__(self, entries: Iterable[Entry]) -> None:
        by_head: dict[str, list[Entry]] = {}
        for entry in entries:
            if len(entry[0]) >= MIN_LENGTH:
                by_head.setdefault(entry[0][:MIN_LENGTH], []).append(entry)
        for bucket in by_head.values():
            bucket.sort(key=lambda item: (-len(item[0]), item[0]))
        self._by_head = by_head

    def __bool__(self) -> bool:
        return bool(self._by_head)

    def anywhere(self, text: str) -> bool:
        """Whether an entry may start anywhere in the text (`at` and `cut_at` find
        nothing where this is False): one set look-up per position, no generator."""
        heads = self._by_head
        if not heads:
            return False
        return any(
            text[pos : pos + MIN_LENGTH] in heads for pos in range(len(text) - MIN_LENGTH + 1)
        )

    def at(self, text: str, pos: int) -> Iterator[Entry]:
        """The entries that occur at `pos` (as whole tokens where they must), longest first."""
        for entry in self._by_head.get(text[pos : pos + MIN_LENGTH], ()):
            form, how, _ = entry
            if not text.startswith(form, pos):
                continue
            if how == _TOKEN:
                end = pos + len(form)
                if _word(form[0]) and pos > 0 and _word(text[pos - 1]):
                    continue
                if _word(form[-1]) and end < len(text) and _word(text[end]):
                    continue
            yield entry

    def cut_at(self, text: str, pos: int, cut: int) -> bool:
        """Whether a secret starts at `pos` and the text was cut at `cut`, inside it:
        `text[pos:cut]` is the beginning of a secret (at least MIN_LENGTH characters)."""
        piece = text[pos:cut]
        return any(
            how == _ANYWHERE and len(form) > len(piece) and form.startswith(piece)
            for form, how, _ in self._by_head.get(text[pos : pos + MIN_LENGTH], ())
        )


_NO_MATCHER = _Matcher(())
# Where a text may have been shortened: its end, or an ellipsis a writer put at the cut
# (`explain` shortens values to 80 characters and adds "...").
_CUT = re.compile(r"\.\.\.|\u2026|\Z")


class Redactor:
    """A plan's withheld strings, collected on first use (only runs with findings or
    errors pay for it), and the functions that clean texts and findings with them."""

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        secrets, numbers, documents = self._collect(plan)
        self.secrets = frozenset(secrets | numbers)
        # A form shared by a secret and a document string is matched as the secret.
        forms: dict[str, Entry] = {}
        for text in documents:
            for form in escaped_forms(text):
                forms[form] = (form, _TOKEN, text)
        for text in numbers:
            forms[text] = (text, _TOKEN, text)
        for text in secrets:
            for form in escaped_forms(text):
                forms[form] = (form, _ANYWHERE, text)
        self._matcher = _Matcher(forms.values())
        self._addresses: list[str] | None = None
        self._addresses_with: dict[str, tuple[str, ...]] = {}
        self._shown: dict[str, bool] = {}  # token origin -> shown in clear by the plan
        self._clear: dict[tuple[str, str | None], frozenset[str]] = {}

    # -- what is withheld ----------------------------------------------------------------

    @staticmethod
    def _collect(plan: Plan) -> tuple[set[str], set[str], set[str]]:
        """(secrets, numeric secrets, document strings), every one at least MIN_LENGTH."""
        found = set(plan.sensitive_strings())
        # What a value holds under credential-like names depends on the value alone, and
        # an unchanged object appears two or three times (`before` and `after` of a
        # no-op, and the prior state): an object equal to one already read for the same
        # address is skipped. Comparing is done in C, reading in Python: this halves the
        # walk over a plan of mostly existing resources.
        read: dict[str, list[Any]] = {}

        def read_once(address: str, value: Any) -> None:
            if not isinstance(value, dict):
                return
            same_address = read.setdefault(address, [])
            if any(value == old for old in same_address):
                return
            same_address.append(value)
            _credential_values(value, found)

        for change in (*plan.changes, *plan.deposed):
            read_once(change.address, change.after)
            read_once(change.address, change.before)
        for resource in plan.prior_resources:
            read_once(resource.address, resource.values)
        for name, output in plan.output_changes.items():
            if looks_secret(name) and isinstance(output, dict):
                _strings_of(output.get("after"), None, found, keys=False)
        for module in plan.config_modules.values():
            for name, declared in (module.raw.get("variables") or {}).items():
                if isinstance(declared, dict) and (declared.get("sensitive") or looks_secret(name)):
                    _strings_of(declared.get("default"), None, found, keys=False)
        documents: set[str] = set()
        for text in found:
            _document_strings(text, documents)
        secrets = {s for s in found if len(s) >= MIN_LENGTH}
        numbers = {s for s in secrets if _numeric(s)}
        documents = {s for s in documents if len(s) >= MIN_LENGTH and not _numeric(s)}
        return secrets - numbers, numbers, documents - secrets

    # -- cleaning ------------------------------------------------------------------------

    def clean(self, text: str) -> str:
        """Withhold every secret and document string of the plan from a text."""
        return self._clean(text, _NO_MATCHER, frozenset())

    def _clean(self, text: str, local: _Matcher, clear: frozenset[str]) -> str:
        """Replace withheld strings, leftmost and longest first. Tokens are withheld
        unless the plan shows them in clear (`clear`: what the finding's own resources
        show; `_shown`: the top-level attributes of every resource)."""
        if not text or not (self._matcher or local):
            return text
        if not (self._matcher.anywhere(text) or local.anywhere(text)):
            return text  # no withheld string starts anywhere in it
        last = len(text) - MIN_LENGTH
        tokens = {
            origin
            for pos in range(last + 1)
            for matcher in (local, self._matcher)
            for _, how, origin in matcher.at(text, pos)
            if how == _TOKEN and origin not in clear
        }
        self._resolve_shown(tokens)
        out: list[str] = []
        pos = start = 0
        cuts = [m.start() for m in _CUT.finditer(text)]
        while pos <= last:
            found = ""
            for matcher in (local, self._matcher):
                for form, how, origin in matcher.at(text, pos):
                    if how == _TOKEN and (origin in clear or self._shown[origin]):
                        continue
                    if len(form) > len(found):
                        found = form
                    break
            if not found:
                # A secret shortened by whoever wrote the text leaves its beginning.
                cut = next(c for c in cuts if c >= pos)
                if cut - pos >= MIN_LENGTH and self._matcher.cut_at(text, pos, cut):
                    found = text[pos:cut]
            if not found or self._inside_address(text, pos, found):
                pos += 1
                continue
            out.append(text[start:pos])
            out.append(REDACTED)
            pos = start = pos + len(found)
        if not out:
            return text
        out.append(text[start:])
        return "".join(out)

    def _resolve_shown(self, origins: set[str]) -> None:
        """Find which of these strings the plan shows in clear: as a resource's top-level
        attribute (its name, ARN, id: what messages name things by) or inside a readable
        JSON document (a policy's `"Allow"`, `"2012-10-17"`, `"dynamodb:*"`). One shallow
        pass over the plan for all of them, only when a text holds such a string."""
        todo = {o for o in origins if o not in self._shown}
        if not todo:
            return
        forms = {o: (o, _json(o), _jsonencode(o)) for o in todo}
        shown: set[str] = set()
        plan = self._plan
        resources: tuple[Resource, ...] = (*plan.changes, *plan.deposed, *plan.prior_resources)
        for resource in resources:
            for value, marker in _sides(resource):
                if value.__class__ is not dict or marker is True:
                    continue
                for key, item in value.items():
                    if item.__class__ is not str:
                        continue
                    if item in todo:
                        hits = {item}
                    elif item[:1] in ("{", "["):
                        hits = {o for o in todo if any(form in item for form in forms[o])}
                    else:
                        continue
                    if hits and not (isinstance(marker, dict) and has_true(marker.get(key))):
                        shown |= hits
        for origin in todo:
            self._shown[origin] = origin in shown

    def _inside_address(self, text: str, pos: int, found: str) -> bool:
        """Whether this occurrence is part of a resource address the text names."""
        end = pos + len(found)
        for address in self._addresses_containing(found):
            first = text.find(address, max(0, end - len(address)), pos + len(address))
            while first != -1 and first <= pos:
                if first + len(address) >= end:
                    return True
                first = text.find(address, first + 1, pos + len(address))
        return False

    def _addresses_containing(self, found: str) -> tuple[str, ...]:
        known = self._addresses_with.get(found)
        if known is None:
            if self._addresses is None:
                self._addresses = sorted(_address_forms(self._plan))
            known = self._addresses_with[found] = tuple(a for a in self._addresses if found in a)
        return known

    def finding(self, found: Finding) -> Finding:
        """A finding with nothing withheld left in its texts.

        When its attribute is sensitive anywhere inside, every string of that attribute
        is withheld from it too, and its change description says only that it changes.
        """
        resource = self._resource(found.address)
        top = _top_attribute(found.attribute)
        hidden = resource is not None and top is not None and _sensitive_inside(resource, top)
        clear = self._clear_strings_for(found, top if hidden else None)
        local = _NO_MATCHER
        changes = found.changes
        if hidden and resource is not None and top is not None:
            quoted: set[str] = set()
            for value, marker in _sides(resource):
                if isinstance(value, dict) and top in value:
                    sub = marker.get(top) if isinstance(marker, dict) else marker
                    _strings_of(value[top], sub, quoted, keys=True)
            local = _Matcher(
                (form, _TOKEN, text)
                for text in quoted - self.secrets
                if len(text) >= MIN_LENGTH
                for form in escaped_forms(text)
            )
            if changes:
                changes = (f"{found.attribute}: sensitive value changes",)
        addresses = {found.address, *(hop for hop in found.chain if self._resource(hop))}
        return replace(
            found,
            message=self._clean(found.message, local, clear),
            chain=tuple(
                hop if hop in addresses else self._clean(hop, local, clear) for hop in found.chain
            ),
            changes=tuple(self._clean(line, local, clear) for line in changes),
            attribute=self.clean(found.attribute) if found.attribute else found.attribute,
        )

    def _resource(self, address: str) -> Resource | None:
        plan = self._plan
        return plan.by_address.get(address) or plan.prior_by_address.get(address)

    def _clear_strings_for(self, found: Finding, hidden: str | None) -> frozenset[str]:
        """What the finding's resource (but its hidden attribute) and the resources on
        its chain show in clear, inside their JSON documents too."""
        clear: set[str] = set()
        for address in (found.address, *found.chain):
            resource = self._resource(address)
            if resource is None:
                continue
            skip = hidden if address == found.address else None
            key = (address, skip)
            known = self._clear.get(key)
            if known is None:
                strings: set[str] = set()
                for value, marker in _sides(resource):
                    if isinstance(value, dict):
                        for name, item in value.items():
                            sub = marker.get(name) if isinstance(marker, dict) else marker
                            if name != skip and not has_true(sub):
                                _clear_strings(item, sub, strings)
                known = self._clear[key] = frozenset(strings)
            clear |= known
        return frozenset(clear - self.secrets)


def _numeric(text: str) -> bool:
    return text.replace(".", "", 1).lstrip("-").isdigit()


def _top_attribute(attribute: str | None) -> str | None:
    if not attribute:
        return None
    try:
        first = normalise_path(attribute)[0]
    except IndexError:
        return None
    return first if isinstance(first, str) else None


def _sensitive_inside(resource: Resource, attribute: str) -> bool:
    return resource.is_sensitive((attribute,))


def _address_forms(plan: Plan) -> set[str]:
    """Every resource address of the plan, and each without its trailing index (how
    messages name a resource block)."""
    found: set[str] = set()
    for resource in (*plan.changes, *plan.deposed, *plan.prior_resources):
        found.add(resource.address)
        if resource.index is not None:
            module = f"{resource.module_address}." if resource.module_address else ""
            data = "data." if resource.mode == "data" else ""
            found.add(f"{module}{data}{resource.type}.{resource.name}")
    return found


def redactor_for(plan: Plan) -> Redactor:
    """The plan's redactor, built once."""
    return plan.memo("plangate.redactor", lambda: Redactor(plan))
