"""Deterministic, realistic values for what AWS would fill in at apply time.

Templates are ``str.format`` strings over the resource's state plus these names:

``{region}`` ``{account}`` ``{partition}``
    from the provider configuration (account is always 123456789012)
``{hexN}``
    N lowercase hex digits (``sg-{hex17}``)
``{ALNUMN}``
    N upper-case letters and digits (IAM unique ids, RDS resource ids)
``{digitsN}``
    N decimal digits (``terraform-{digits26}`` is the real provider's generated-name shape)

All of them derive from a hash of the resource type, the attribute and the resource's known
planned values, so applying the same configuration twice gives the same ids, and two resources
that differ in any argument get different ones.
"""

from __future__ import annotations

import hashlib
import json
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tf.types import Unknown

ACCOUNT_ID = "123456789012"
PARTITION = "aws"


@dataclass
class Env:
    """Provider-level facts that values depend on."""

    region: str = "us-east-1"
    account: str = ACCOUNT_ID
    partition: str = PARTITION
    default_tags: dict[str, str] | None = None
    seed: str = ""  # set per object being applied or read: what its generated values derive from


_seen: dict[str, int] = {}
_seen_lock = threading.Lock()


def seed_of(type_name: str, state: dict, *, unique: bool = True) -> str:
    """What an object's generated values derive from: its type and its known values.

    Objects with identical arguments (``count`` instances) would collide, so within one
    provider process the n-th repeat of a seed gets ``#n`` appended: ids stay unique, but which
    of two identical instances gets which id may change between runs.
    """
    known = {k: v for k, v in state.items() if _is_known(v)}
    seed = type_name + "\0" + json.dumps(known, sort_keys=True, default=str)
    if not unique:
        return seed
    with _seen_lock:
        n = _seen.get(seed, 0)
        _seen[seed] = n + 1
    return seed if n == 0 else f"{seed}#{n}"


def _is_known(v: Any) -> bool:
    if v is Unknown:
        return False
    if isinstance(v, dict):
        return all(_is_known(x) for x in v.values())
    if isinstance(v, list):
        return all(_is_known(x) for x in v)
    return True


Fn = Callable[[dict, Env], Any]
"""A template function: the value of an attribute from the state being applied."""

_ALNUM = string.ascii_uppercase + string.digits


class _Fields(dict):
    """format_map mapping: provider facts, then state values, then generated characters."""

    def __init__(self, state: dict, env: Env, seed: str, attr: str):
        super().__init__()
        self.state = state
        self.env = env
        self.seed = f"{seed}\0{attr}"

    def __missing__(self, key: str) -> Any:
        if key in ("region", "account", "partition"):
            return getattr(self.env, key)
        if key in self.state:
            v = self.state[key]
            return "" if v is None or v is Unknown else v
        for prefix, alphabet in (
            ("hex", "0123456789abcdef"),
            ("ALNUM", _ALNUM),
            ("digits", string.digits),
        ):
            if key.startswith(prefix) and key[len(prefix) :].isdigit():
                return _chars(self.seed + key, int(key[len(prefix) :]), alphabet)
        raise KeyError(key)


def _chars(seed: str, n: int, alphabet: str) -> str:
    out = []
    counter = 0
    while len(out) < n:
        digest = hashlib.sha256(f"{seed}\0{counter}".encode()).digest()
        out.extend(alphabet[b % len(alphabet)] for b in digest)
        counter += 1
    return "".join(out[:n])


def render(template: str | Callable[[dict, Env], Any], state: dict, env: Env, attr: str) -> Any:
    """The value of one attribute; ``env.seed`` is the object's seed (see ``seed_of``)."""
    if callable(template):
        return template(state, env)
    return template.format_map(_Fields(state, env, env.seed, attr))


def fmt(template: str, state: dict, env: Env, attr: str = "") -> str:
    """Format a template inside a template function (``attr`` keeps its characters apart)."""
    seed = env.seed or json.dumps(state, sort_keys=True, default=str)
    return template.format_map(_Fields(state, env, seed, attr))


# --------------------------------------------------------------------------- template functions


def unique_name(
    prefix_attr: str = "name_prefix", *, lower: bool = False, fallback: str = "terraform-"
) -> Fn:
    """The real provider's generated name: ``<prefix><26 digits>`` (``terraform-`` by default)."""

    def make(state: dict, env: Env) -> str:
        prefix = state.get(prefix_attr)
        if prefix in (None, Unknown, ""):
            prefix = fallback
        name = prefix + fmt("{digits26}", state, env, prefix_attr)
        return name.lower() if lower else name

    return make


@dataclass(frozen=True)
class CopyOf:
    """Template function: the value of another attribute (``id`` is often the name)."""

    attr: str

    def __call__(self, state: dict, env: Env) -> Any:
        return state[self.attr]


def copy_of(attr: str) -> CopyOf:
    return CopyOf(attr)


def const(value: Any) -> Fn:
    return lambda state, env: value


def _ip(state: dict, env: Env, attr: str, base: str = "10.0") -> str:
    digits = fmt("{digits6}", state, env, attr)
    return f"{base}.{int(digits[:3]) % 254 + 1}.{int(digits[3:]) % 254 + 1}"


def private_ip(attr: str) -> Fn:
    return lambda state, env: _ip(state, env, attr)


def public_ip(attr: str) -> Fn:
    return lambda state, env: _ip(state, env, attr, base="54.23")


def dns_for(ip_attr: str, public: bool) -> Fn:
    def make(state: dict, env: Env) -> str:
        ip = state.get(ip_attr) or ""
        if not ip:
            return ""
        dashed = ip.replace(".", "-")
        if env.region == "us-east-1":
            return (
                f"ec2-{dashed}.compute-1.amazonaws.com" if public else f"ip-{dashed}.ec2.internal"
            )
        return (
            f"ec2-{dashed}.{env.region}.compute.amazonaws.com"
            if public
            else f"ip-{dashed}.{env.region}.compute.internal"
        )

    return make


def az(suffix: str = "a") -> Fn:
    return lambda state, env: env.region + suffix


def az_id(state: dict, env: Env) -> str:
    parts = env.region.split("-")
    short = parts[0] + parts[1][0] + parts[2] if len(parts) == 3 else env.region
    return f"{short}-az1"


def uuid(state: dict, env: Env, attr: str = "uuid") -> str:
    h = fmt("{hex32}", state, env, attr)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def kms_key_arn(state: dict, env: Env) -> str:
    return f"arn:{env.partition}:kms:{env.region}:{env.account}:key/{uuid(state, env, 'kms')}"


def default_sg(state: dict, env: Env) -> list[str]:
    return [fmt("sg-{hex17}", state, env, "default-sg")]


EXAMPLE_TIME = "2024-01-01T00:00:00Z"
