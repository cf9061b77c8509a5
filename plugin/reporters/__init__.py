"""Output formats. Each renders the report dict; none reads the plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import atlantis, github, gitlab, json_format, junit, markdown, sarif, text

__all__ = ["FORMATS", "render"]

Renderer = Callable[[dict[str, Any], bool], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "atlantis": atlantis.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "gitlab": gitlab.render,
}


def render(fmt: str, report: dict[str, Any], color: bool = False) -> str:
    return FORMATS[fmt](report, color)
