"""Jinja2 templates of the package's HTML and Markdown pages (necro_sbml/core/templates/*.j2)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import jinja2


@functools.lru_cache(maxsize=2)
def environment(markdown: bool) -> jinja2.Environment:
    """The template environment: HTML-escaping for .html templates, none for Markdown."""
    folder = Path(str(resources.files("necro_sbml.core") / "templates"))
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=not markdown,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)


def md_cell(value: object) -> str:
    """A value safe inside a Markdown table cell (pipes escaped, newlines flattened)."""
    return " ".join(str(value).split()).replace("|", "\\|")


def render(template: str, **context: object) -> str:
    """Render one template with the given context."""
    env = environment(template.endswith(".md.j2"))
    env.filters["cell"] = md_cell
    return env.get_template(template).render(**context)
