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
`explain` shortens long values) is withheld from where it begins, and so is a long
secret's beginning (its first `text_matching.DEPTH` characters or more) wherever a text
repeats it, whatever follows.

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

import re
from bisect import bisect_left
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .model import Resource, looks_secret
from .text_matching import ANYWHERE, TOKEN, Matcher
from .values import has_true, normalise_path
from .withheld import (
    clear_strings,
    credential_values,
    document_strings,
    escaped_forms,
    json_form,
    jsonencode_form,
    sides,
    strings_of,
)

if TYPE_CHECKING:
    from .plan import Plan
    from .policy import Finding

__all__ = ["MIN_LENGTH", "REDACTED", "Redactor", "redactor_for"]

REDACTED = "(sensitive value)"
# Shorter strings carry little of a secret and occur everywhere in prose.
MIN_LENGTH = 4

# -- matching ----------------------------------------------------------------------------

# How a string is matched: anywhere (a secret inside a URL or a longer word is still the
# secret), or only as a whole token that the plan does not show in clear (a document
# string or a number inside a longer word is a coincidence, and so is one that a
# resource shows in clear: withholding those would garble the text and hide nothing).
# `text_matching` finds them all in one pass, in time linear in the text.

_NO_MATCHER = Matcher((), MIN_LENGTH)
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
        forms: dict[str, tuple[str, int, str]] = {}
        for text in documents:
            for form in escaped_forms(text):
                forms[form] = (form, TOKEN, text)
        for text in numbers:
            forms[text] = (text, TOKEN, text)
        for text in secrets:
            for form in escaped_forms(text):
                forms[form] = (form, ANYWHERE, text)
        self._matcher = Matcher(forms.values(), MIN_LENGTH)
        self._addresses: list[str] | None = None
        self._addresses_with: dict[str, tuple[str, ...]] = {}
        self._shown: dict[str, bool] = {}  # token origin -> shown in clear by the plan
        self._clear: dict[tuple[str, str | None], frozenset[str]] = {}

    # -- what is withheld ----------------------------------------------------------------

    @staticmethod
    def _collect(plan: Plan) -> tuple[set[str], set[str], set[str]]:
        """(secrets, numeric secrets, document strings), every one at least MIN_LENGTH."""
        found = set(plan.sensitive_strings())
        # An unchanged object appears two or three times (`before` and `after` of a
        # no-op, and the prior state), and what it holds under credential-like names
        # depends on its keys and strings alone, which equal objects share: one of each
        # is read, the others only when a number stood where a value is collected
        # (`12345 == 12345.0`: an equal object may write it otherwise).
        firsts, others = _objects(plan)
        if credential_values(firsts, found):
            credential_values(others, found)
        for name, output in plan.output_changes.items():
            if looks_secret(name) and isinstance(output, dict):
                strings_of(output.get("after"), None, found, keys=False)
        for module in plan.config_modules.values():
            for name, declared in (module.raw.get("variables") or {}).items():
                if isinstance(declared, dict) and (declared.get("sensitive") or looks_secret(name)):
                    strings_of(declared.get("default"), None, found, keys=False)
        documents: set[str] = set()
        for text in found:
            document_strings(text, documents)
        secrets = {s for s in found if len(s) >= MIN_LENGTH}
        numbers = {s for s in secrets if _numeric(s)}
        documents = {s for s in documents if len(s) >= MIN_LENGTH and not _numeric(s)}
        return secrets - numbers, numbers, documents - secrets

    # -- cleaning ------------------------------------------------------------------------

    def clean(self, text: str) -> str:
        """Withhold every secret and document string of the plan from a text."""
        return self._clean(text, _NO_MATCHER, frozenset())

    def _clean(self, text: str, local: Matcher, clear: frozenset[str]) -> str:
        """Replace withheld strings, leftmost and longest first. Tokens are withheld
        unless the plan shows them in clear (`clear`: what the finding's own resources
        show; `_shown`: the top-level attributes of every resource)."""
        matchers = [m for m in (local, self._matcher) if m]
        if not text or not any(m.anywhere(text) for m in matchers):
            return text  # no withheld string starts anywhere in it
        last = len(text) - MIN_LENGTH
        tokens = {
            origin
            for pos in range(last + 1)
            for matcher in matchers
            if matcher.has_tokens
            for (_, how, origin), _ in matcher.at(text, pos)
            if how == TOKEN and origin not in clear
        }
        self._resolve_shown(tokens)
        out: list[str] = []
        pos = start = 0
        cuts = [m.start() for m in _CUT.finditer(text)]
        while pos <= last:
            length = 0
            for matcher in matchers:
                for (_, how, origin), covered in matcher.at(text, pos):
                    if how == TOKEN and (origin in clear or self._shown[origin]):
                        continue
                    length = max(length, covered)
                    break
            if not length:
                # A secret shortened by whoever wrote the text leaves its beginning.
                cut = cuts[bisect_left(cuts, pos)]
                if self._matcher.begins_secret(text, pos, cut):
                    length = cut - pos
            if not length or self._inside_address(text, pos, text[pos : pos + length]):
                pos += 1
                continue
            out.append(text[start:pos])
            out.append(REDACTED)
            pos = start = pos + length
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
        forms = Matcher(
            ((form, ANYWHERE, o) for o in todo for form in (o, json_form(o), jsonencode_form(o))),
            MIN_LENGTH,
        )
        shown: set[str] = set()
        plan = self._plan
        resources: tuple[Resource, ...] = (*plan.changes, *plan.deposed, *plan.prior_resources)
        for resource in resources:
            for value, marker in sides(resource):
                if value.__class__ is not dict or marker is True:
                    continue
                for key, item in value.items():
                    if item.__class__ is not str:
                        continue
                    if item in todo:
                        hits = {item}
                    elif item[:1] in ("{", "["):
                        hits = forms.origins_in(item)
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
            for value, marker in sides(resource):
                if isinstance(value, dict) and top in value:
                    sub = marker.get(top) if isinstance(marker, dict) else marker
                    strings_of(value[top], sub, quoted, keys=True)
            local = Matcher(
                (
                    (form, TOKEN, text)
                    for text in quoted - self.secrets
                    if len(text) >= MIN_LENGTH
                    for form in escaped_forms(text)
                ),
                MIN_LENGTH,
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
                for value, marker in sides(resource):
                    if isinstance(value, dict):
                        for name, item in value.items():
                            sub = marker.get(name) if isinstance(marker, dict) else marker
                            if name != skip and not has_true(sub):
                                clear_strings(item, sub, strings)
                known = self._clear[key] = frozenset(strings)
            clear |= known
        return frozenset(clear - self.secrets)


def _objects(plan: Plan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The objects of the plan's resources (after, before, prior state): one of each set
    of equal ones, and the others. Only a change's two sides and the prior state at its
    address are compared (in C: most are equal, and this runs for every resource)."""
    firsts: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    befores: dict[str, dict[str, Any]] = {}
    for change in (*plan.changes, *plan.deposed):
        sides = change.change
        after, before = sides.get("after"), sides.get("before")
        if after.__class__ is dict:
            firsts.append(after)
        if before.__class__ is dict:
            (others if before == after else firsts).append(before)
            befores[change.address] = before
    for resource in plan.prior_resources:
        value = resource.raw.get("values")
        if value.__class__ is dict:
            (others if value == befores.get(resource.address) else firsts).append(value)
    return firsts, others


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
