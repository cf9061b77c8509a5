"""The `.tf` files a `plangate.sources.SourceLocator` reads, and the lines in them: the
span of an item, and the item that writes an attribute path inside a block (an
attribute, a key of its object or an element of its tuple, a nested or `dynamic`
block), as deep as the text writes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .hcl_items import Item, body_items, object_item, tuple_element
from .hcl_scan import Scan
from .values import normalise_path

__all__ = ["SourceFile", "Span", "attribute_steps", "span", "written"]

# Steps of an attribute path followed into a block (paths Terraform writes are short).
_MAX_PATH_STEPS = 32


@dataclass(frozen=True, slots=True)
class Span:
    """Lines of a file, 1-based and inclusive; `path` is relative to the repository
    root, with `/` separators."""

    path: str
    line: int
    end_line: int


@dataclass(slots=True)
class SourceFile:
    """A `.tf` file read (its path relative to the repository root), and the bodies of
    its blocks once read (by where they start)."""

    path: str
    scan: Scan
    bodies: dict[int, list[Item]] = field(default_factory=dict)

    def body(self, block: Item) -> list[Item]:
        if block.inner_start not in self.bodies:
            self.bodies[block.inner_start] = body_items(
                self.scan, block.inner_start, block.inner_end
            )
        return self.bodies[block.inner_start]


def attribute_steps(attribute: str | Sequence[str | int]) -> tuple[str | int, ...]:
    if isinstance(attribute, str):
        return normalise_path(attribute)[:_MAX_PATH_STEPS]
    return tuple(attribute)[:_MAX_PATH_STEPS]


def written(file: SourceFile, block: Item, steps: tuple[str | int, ...]) -> Item | None:
    """The item that writes `steps` in `block`, followed as far as it is written: an
    attribute, then a key of its object or the element of its tuple; a nested block or
    the `dynamic` block that makes it (then its `content`).

    Terraform orders a set by value, not as written, so an index in the plan says which
    of several blocks or elements is meant only for a list, which the text cannot tell
    apart from a set: an index is followed only where there is one block or element to
    choose, and several blocks of the type are pointed at together.
    """
    source = file.scan
    found: Item | None = None
    current = block
    position = 0
    while position < len(steps):
        step = steps[position]
        if current.is_block:
            if not isinstance(step, str):
                break
            items = file.body(current)
            attribute = next((i for i in items if not i.is_block and i.name == step), None)
            if attribute is not None:
                current = found = attribute
                position += 1
                continue
            nested = _nested_blocks(items, step)
            if not nested:
                break
            if len(nested) > 1:
                first, last = nested[0], nested[-1]
                found = Item(step, (), first.start, last.end, first.start, last.end)
                break
            current = found = nested[0]
            following = steps[position + 1] if position + 1 < len(steps) else None
            position += 2 if isinstance(following, int) else 1
            if current.name == "dynamic":
                content = [i for i in file.body(current) if i.is_block and i.name == "content"]
                if len(content) != 1:
                    break
                current = content[0]
        else:
            if isinstance(step, int):
                alone = tuple_element(source, current, 1) is None
                element = tuple_element(source, current, 0) if alone and step == 0 else None
            else:
                element = object_item(source, current, step)
            if element is None:
                break
            current = found = element
            position += 1
    return found


def _nested_blocks(items: list[Item], name: str) -> list[Item]:
    """The `name { }` blocks of a body and the `dynamic "name"` blocks that make more."""
    return [
        item
        for item in items
        if (item.name == name and item.labels == ())
        or (item.name == "dynamic" and item.labels is not None and item.labels[:1] == (name,))
    ]


def span(file: SourceFile, item: Item) -> Span:
    return Span(
        file.path, file.scan.line(item.start), file.scan.line(max(item.start, item.end - 1))
    )
