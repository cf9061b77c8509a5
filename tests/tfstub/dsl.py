"""A small table language for the stub provider's schemas.

Each resource type and data source is written as a text table, one attribute a line::

    arn                    str        comp
    cidr_block             str        opt comp new
    enable_dns_support     bool       opt =true
    @tags
    ingress                set(obj)   opt comp {
        cidr_blocks        list(str)
        from_port          num
    }
    ttl                    block list max=1 {
        attribute_name     str        req
        enabled            bool       opt
    }

Types: ``str``, ``num``, ``bool``, ``list(T)``, ``set(T)``, ``map(T)`` and ``obj`` (an object
whose fields follow in braces, one ``name type`` a line). Flags: ``req``, ``opt``, ``comp``
(computed), ``sens`` (sensitive), ``new`` (a change forces replacement), ``dep`` (deprecated) and
``=JSON`` (the real provider's default for an unset argument, known at plan time; always last).
A ``NAME block list|set|single [min=N] [max=N] {`` line opens a nested block; a block flagged
``comp`` is one the real provider fills in itself when the configuration has none (SDKv2
Optional+Computed blocks), so a create plans it as unknown. ``@tags`` stands for the usual
``tags`` / ``tags_all`` pair.

The tables describe the real AWS provider (v5) schema: names, types, blocks versus attributes
and the required / optional / computed / sensitive flags. Behaviour (values filled in at apply
time) sits next to each table as a dict of templates; see ``values.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tf.gen import tfplugin_pb2 as pb
from tf.schema import Attribute, Block, NestedBlock, Schema
from tf.types import Bool, List, Map, Number, Set, String, TfType

NO_DEFAULT: Any = object()


class ObjectType(TfType):
    """cty object type (the tf package has none): used for SDKv2 "attributes as blocks"."""

    def __init__(self, fields: Mapping[str, TfType]):
        self.fields = dict(fields)

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value

    def tf_type(self) -> bytes:
        inner = ",".join(
            f"{json.dumps(k)}:{t.tf_type().decode()}" for k, t in sorted(self.fields.items())
        )
        return f'["object",{{{inner}}}]'.encode()


@dataclass(frozen=True)
class TypeSpec:
    kind: str  # string | number | bool | list | set | map | object
    elem: TypeSpec | None = None
    fields: tuple[tuple[str, TypeSpec], ...] = ()

    def zero(self) -> Any:
        """The value the SDK writes for an unset field inside a nested object."""
        if self.kind == "string":
            return ""
        if self.kind == "number":
            return 0
        if self.kind == "bool":
            return False
        if self.kind in ("list", "set"):
            return []
        if self.kind == "map":
            return {}
        return {name: t.zero() for name, t in self.fields}

    def tf(self) -> TfType:
        if self.kind == "string":
            return String()
        if self.kind == "number":
            return Number()
        if self.kind == "bool":
            return Bool()
        if self.kind == "list":
            return List(self.elem.tf())  # type: ignore[union-attr]
        if self.kind == "set":
            return Set(self.elem.tf())  # type: ignore[union-attr]
        if self.kind == "map":
            return Map(self.elem.tf())  # type: ignore[union-attr]
        return ObjectType({name: t.tf() for name, t in self.fields})

    def object_fields(self) -> tuple[tuple[str, TypeSpec], ...]:
        """Fields of the object elements of this type (``obj``, ``list(obj)``, ``set(obj)``)."""
        if self.kind == "object":
            return self.fields
        if self.kind in ("list", "set") and self.elem is not None and self.elem.kind == "object":
            return self.elem.fields
        return ()


@dataclass(frozen=True)
class AttrSpec:
    name: str
    type: TypeSpec
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    force_new: bool = False
    deprecated: bool = False
    default: Any = NO_DEFAULT

    def to_tf(self) -> Attribute:
        return Attribute(
            self.name,
            self.type.tf(),
            required=self.required,
            optional=self.optional,
            computed=self.computed,
            sensitive=self.sensitive,
            deprecated=self.deprecated or None,
            requires_replace=self.force_new,
        )


@dataclass(frozen=True)
class BlockSpec:
    name: str
    nesting: str  # list | set | single
    body: Body
    min_items: int = 0
    max_items: int = 0
    computed: bool = False

    def to_tf(self) -> NestedBlock:
        return _NestedBlock(self)


@dataclass(frozen=True)
class Body:
    attrs: tuple[AttrSpec, ...] = ()
    blocks: tuple[BlockSpec, ...] = ()

    def to_tf(self) -> Block:
        return Block(
            attributes=[a.to_tf() for a in self.attrs], block_types=[b.to_tf() for b in self.blocks]
        )

    def attr(self, name: str) -> AttrSpec | None:
        return next((a for a in self.attrs if a.name == name), None)


_NESTING = {
    "list": pb.Schema.NestedBlock.NestingMode.LIST,
    "set": pb.Schema.NestedBlock.NestingMode.SET,
    "single": pb.Schema.NestedBlock.NestingMode.SINGLE,
}


class _NestedBlock(NestedBlock):
    """A tf NestedBlock that keeps the real provider's nesting mode (the tf package knows only set).

    Only ``to_pb`` matters: the stub plans and applies on plain dicts (see engine.py).
    """

    def __init__(self, spec: BlockSpec):
        super().__init__(spec.name, None, spec.body.to_tf())  # type: ignore[arg-type]
        self.spec = spec

    def to_pb(self) -> pb.Schema.NestedBlock:
        return pb.Schema.NestedBlock(
            type_name=self.spec.name,
            block=self.block.to_pb(),
            nesting=_NESTING[self.spec.nesting],
            min_items=self.spec.min_items or None,
            max_items=self.spec.max_items or None,
        )

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value

    def semantically_equal(self, a_decoded: Any, b_decoded: Any) -> bool:
        return bool(a_decoded == b_decoded)


# --------------------------------------------------------------------------- specs

Template = str | Callable[[dict, Any], Any]
"""How a computed attribute gets its value at apply: a format string or a function of
(state, values.Env); see values.py."""


@dataclass(frozen=True)
class TypeDef:
    """A resource type or data source: its schema and how computed values are made."""

    name: str
    body: Body
    version: int = 0
    computed: Mapping[str, Template] = field(default_factory=dict)
    # extra plan-time step: (planned state, env, prior state or None) -> None, edits in place
    on_plan: Callable[[dict, Any, dict | None], None] | None = None
    # data sources: (state, env) -> None, fills the state in place
    on_read: Callable[[dict, Any], None] | None = None

    def get_name(self) -> str:
        return self.name

    def get_schema(self) -> Schema:
        tfblock = self.body.to_tf()
        return Schema(
            version=self.version, attributes=tfblock.attributes, block_types=tfblock.block_types
        )


_SDK_ID = "id str opt comp"
_TAGS = ("tags map(str) opt", "tags_all map(str) opt comp")
_TIMEOUTS = {
    "c": "create",
    "r": "read",
    "u": "update",
    "d": "delete",
}


def resource(
    name: str,
    table: str,
    *,
    version: int = 0,
    computed: Mapping[str, Template] | None = None,
    timeouts: str = "",
    sdk_id: bool = True,
    on_plan: Callable[[dict, Any, dict | None], None] | None = None,
    shared: Mapping[str, Template] | None = None,
) -> TypeDef:
    """Declare a resource type.

    ``computed`` maps attribute names to the templates that fill them at apply, in order (a
    template may use attributes filled before it); ``shared`` is a common set of templates of
    which only the names this type has are used. ``timeouts`` lists the operations of the real
    provider's ``timeouts`` block by initial ("cud" = create, update, delete). ``sdk_id`` adds
    the SDKv2 ``id`` attribute (optional and computed) unless the table declares ``id`` itself
    (Plugin Framework resources do).
    """
    body = parse(table)
    extra: list[AttrSpec] = []
    if sdk_id and body.attr("id") is None:
        extra.append(_parse_attr_line(_SDK_ID.split()))
    blocks = list(body.blocks)
    if timeouts:
        fields = "\n".join(f"{_TIMEOUTS[c]} str opt" for c in timeouts)
        blocks.append(BlockSpec("timeouts", "single", parse(fields)))
    attrs = tuple(sorted((*body.attrs, *extra), key=lambda a: a.name))
    body = Body(attrs, tuple(sorted(blocks, key=lambda b: b.name)))
    return TypeDef(name, body, version, _templates(name, body, computed, shared), on_plan=on_plan)


def _templates(
    name: str,
    body: Body,
    computed: Mapping[str, Template] | None,
    shared: Mapping[str, Template] | None,
) -> dict[str, Template]:
    """``shared`` templates (first, for the names this type has) then ``computed`` ones."""
    names = {a.name for a in body.attrs} | {b.name for b in body.blocks}
    unknown = set(computed or {}) - names
    if unknown:
        raise ValueError(f"{name}: templates for attributes it does not have: {sorted(unknown)}")
    templates = {k: v for k, v in (shared or {}).items() if k in names}
    templates.update(computed or {})
    return templates


def data_source(
    name: str,
    table: str,
    *,
    computed: Mapping[str, Template] | None = None,
    on_read: Callable[[dict, Any], None] | None = None,
) -> TypeDef:
    body = parse(table)
    if body.attr("id") is None:
        body = Body(
            tuple(sorted((*body.attrs, _parse_attr_line(_SDK_ID.split())), key=lambda a: a.name)),
            body.blocks,
        )
    return TypeDef(name, body, 0, _templates(name, body, computed, None), on_read=on_read)


# --------------------------------------------------------------------------- parser


_COMMENT = re.compile(r"(^|\s)#(\s.*)?$")


def parse(text: str) -> Body:
    lines = [_COMMENT.sub("", ln).strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    body, pos = _parse_body(lines, 0)
    if pos != len(lines):
        raise ValueError(f"unbalanced '}}' near {lines[pos]!r}")
    return body


def _parse_body(lines: list[str], pos: int) -> tuple[Body, int]:
    attrs: list[AttrSpec] = []
    blocks: list[BlockSpec] = []
    while pos < len(lines):
        line = lines[pos]
        if line == "}":
            return Body(tuple(attrs), tuple(blocks)), pos
        if line == "@tags":
            attrs.extend(_parse_attr_line(t.split()) for t in _TAGS)
            pos += 1
            continue
        opens = line.endswith("{")
        words = line.rstrip("{").split()
        if len(words) > 1 and words[1] == "block":
            if not opens:
                raise ValueError(f"block without body: {line!r}")
            inner, pos = _parse_body(lines, pos + 1)
            opts = dict(w.split("=", 1) for w in words[3:] if "=" in w)
            blocks.append(
                BlockSpec(
                    words[0],
                    words[2],
                    inner,
                    int(opts.get("min", 0)),
                    int(opts.get("max", 0)),
                    computed="comp" in words[3:],
                )
            )
        else:
            fields: tuple[tuple[str, TypeSpec], ...] = ()
            if opens:
                fields, pos = _parse_fields(lines, pos + 1)
            attrs.append(_parse_attr_line(words, fields))
        pos += 1
    return Body(tuple(attrs), tuple(blocks)), pos


def _parse_fields(lines: list[str], pos: int) -> tuple[tuple[tuple[str, TypeSpec], ...], int]:
    fields: list[tuple[str, TypeSpec]] = []
    while lines[pos] != "}":
        opens = lines[pos].endswith("{")
        name, type_text = lines[pos].rstrip("{").split()[:2]
        sub: tuple[tuple[str, TypeSpec], ...] = ()
        if opens:
            sub, pos = _parse_fields(lines, pos + 1)
        fields.append((name, _parse_type(type_text, sub)))
        pos += 1
    return tuple(sorted(fields)), pos


def _parse_attr_line(words: list[str], fields: tuple[tuple[str, TypeSpec], ...] = ()) -> AttrSpec:
    name, type_text, *flags = words
    default = NO_DEFAULT
    for i, flag in enumerate(flags):
        if flag.startswith("="):
            default = json.loads(" ".join([flag[1:], *flags[i + 1 :]]))
            flags = flags[:i]
            break
    unknown = set(flags) - {"req", "opt", "comp", "sens", "new", "dep"}
    if unknown:
        raise ValueError(f"{name}: unknown flags {sorted(unknown)}")
    if not {"req", "opt", "comp"} & set(flags):
        raise ValueError(f"{name}: needs one of req / opt / comp")
    return AttrSpec(
        name,
        _parse_type(type_text, fields),
        required="req" in flags,
        optional="opt" in flags,
        computed="comp" in flags,
        sensitive="sens" in flags,
        force_new="new" in flags,
        deprecated="dep" in flags,
        default=default,
    )


_SCALARS = {"str": "string", "num": "number", "bool": "bool"}


def _parse_type(text: str, fields: tuple[tuple[str, TypeSpec], ...] = ()) -> TypeSpec:
    if text in _SCALARS:
        return TypeSpec(_SCALARS[text])
    if text == "obj":
        if not fields:
            raise ValueError("obj type without fields")
        return TypeSpec("object", fields=fields)
    for kind in ("list", "set", "map"):
        if text.startswith(kind + "(") and text.endswith(")"):
            return TypeSpec(kind, _parse_type(text[len(kind) + 1 : -1], fields))
    raise ValueError(f"unknown type {text!r}")
