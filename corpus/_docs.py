"""The reference pages of the docs site, generated from the code so they cannot drift from it.

`python -m corpus._docs` writes docs/reference/configuration.md (every key of corpus.toml, its type,
default and help) and docs/reference/cli.md (every command's --help); tests/test_docs.py checks
that the committed pages equal what this module renders. A key's help is the comment written
beside or above its field in the config dataclass, which the code style asks for anyway, so the
help lives in one place, next to the default it explains.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import io
import json
import re
import sys
import textwrap
import tokenize
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference"
WIDTH = 78  # the --help text as click lays it out in a terminal 80 columns wide (2 columns less)


def field_help(cls: type) -> dict[str, str]:
    """Each field's comments: those on its line and the lines it continues onto, or else the
    block just above it. A comment block between two fields belongs to the next one when that one
    has no comment of its own on its line; otherwise it continues the previous field's."""
    source = textwrap.dedent(inspect.getsource(cls))
    comments: dict[int, tuple[str, bool]] = {}  # line -> (text, whole line)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            whole = not token.line[: token.start[1]].strip()
            comments[token.start[0]] = (token.string.lstrip("#").strip(), whole)
    klass = typing.cast(ast.ClassDef, ast.parse(source).body[0])
    nodes = klass.body
    starts = [min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) for node in nodes]
    ends = [node.end_lineno or node.lineno for node in nodes]

    def field(node: ast.stmt | None) -> str | None:
        return node.target.id if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) else None

    def own(index: int) -> list[str]:
        return [
            text
            for line, (text, whole) in sorted(comments.items())
            if starts[index] <= line <= ends[index] and not whole
        ]

    helps: dict[str, list[str]] = {}
    for index, node in enumerate(nodes):
        name = field(node)
        if name is None:
            continue
        before = ends[index - 1] if index else klass.lineno
        block = [text for line, (text, whole) in sorted(comments.items()) if whole and before < line < starts[index]]
        previous = field(nodes[index - 1]) if index else None
        if previous is not None and own(index - 1) and own(index):
            helps[previous].extend(block)  # continues the previous field's comment
            block = []
        helps[name] = [*block, *own(index)]
        if index + 1 == len(nodes) or field(nodes[index + 1]) is None:  # a last field's continuation
            after = starts[index + 1] if index + 1 < len(nodes) else ends[index] + len(source)
            helps[name] += [
                text for line, (text, whole) in sorted(comments.items()) if whole and ends[index] < line < after
            ]
    return {name: " ".join(parts) for name, parts in helps.items()}


def toml_value(value: Any) -> str:
    """A default as it would be written in corpus.toml."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items()) + "}"
    return repr(value)


def type_name(hint: Any) -> str:
    """A field's type in the words of a TOML user."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return "one of " + ", ".join(json.dumps(arg) for arg in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join("unset" if arg is type(None) else type_name(arg) for arg in args)
    if origin is tuple:
        return f"list of {type_name(args[0])}s"
    if origin in (dict, Mapping, typing.Mapping):
        return f"table of {type_name(args[1])}s"
    names = {str: "string", int: "integer", float: "float", bool: "boolean"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def config_sections() -> Iterator[tuple[str, type]]:
    """Every table of corpus.toml and the dataclass it fills, in the order of a run."""
    from corpus.config import ReadConfig, RunConfig
    from corpus.pipeline import STAGES

    yield "read", ReadConfig
    yield "run", RunConfig
    for stage in STAGES:
        yield f"stages.{stage.name}", stage.config_class


def defaults(cls: type) -> dict[str, Any]:
    """The dataclass's defaults, built as a config of it would be (default factories called)."""
    values = {}
    for item in dataclasses.fields(cls):
        if item.default is not dataclasses.MISSING:
            values[item.name] = item.default
        elif item.default_factory is not dataclasses.MISSING:
            values[item.name] = item.default_factory()
    return values


def _cell(text: str) -> str:
    """Text as one cell of a Markdown table: no column breaks, no HTML (a comment may say `<noscript>`)."""
    parts = re.split(r"(`[^`]*`)", text.replace("|", "\\|"))  # code spans show "<" as it is
    return "".join(part if part.startswith("`") else part.replace("<", "&lt;") for part in parts)


def configuration_page() -> str:
    lines = [
        "# Configuration keys",
        "",
        "<!-- Generated by `python -m corpus._docs` from the config dataclasses; do not edit. -->",
        "",
        "Every key `corpus.toml` accepts, with its default and what it is for (the comment beside",
        "its default in the code). How the file is found, and how flags override it:",
        "[Configuration](../configuration.md).",
        "",
    ]
    example = ["```toml"]
    for section, cls in config_sections():
        hints = typing.get_type_hints(cls)
        helps = field_help(cls)
        values = defaults(cls)
        lines += [f"## `[{section}]`", "", "| key = default | type: help |", "|---|---|"]
        example += [f"[{section}]"]
        for item in dataclasses.fields(cls):
            default = toml_value(values[item.name])
            lines.append(
                f"| `{item.name} = {default}` | *{_cell(type_name(hints[item.name]))}*: "
                f"{_cell(helps.get(item.name, ''))} |"
            )
            unset = values[item.name] is None
            example.append(f"# {item.name}: unset by default" if unset else f"{item.name} = {default}")
        lines.append("")
        example.append("")
    example[-1] = "```"
    lines += [
        "## Every default, as one file",
        "",
        "A `corpus.toml` that sets every key to its default (a run with it is a run without it):",
        "",
        *example,
        "",
    ]
    return "\n".join(lines)


def _commands(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """The command and every subcommand under it, with their names from `corpus` down."""
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _commands(command.commands[name], (*path, name))


def cli_page() -> str:
    from corpus.cli import cli

    lines = [
        "# Command line",
        "",
        "<!-- Generated by `python -m corpus._docs` from the click commands; do not edit. -->",
        "",
        "The `--help` of every command, as `corpus COMMAND --help` prints it in a terminal 80 columns wide.",
        "",
    ]
    contexts: dict[tuple[str, ...], click.Context] = {}
    for path, command in _commands(cli, ("corpus",)):
        context = click.Context(
            command, info_name=path[-1], parent=contexts.get(path[:-1]), terminal_width=WIDTH, max_content_width=WIDTH
        )
        contexts[path] = context
        lines += [f"## `{' '.join(path)}`", "", "```text", command.get_help(context).rstrip(), "```", ""]
    return "\n".join(lines)


PAGES = {"configuration.md": configuration_page, "cli.md": cli_page}  # file in docs/reference/ -> its maker


def pages() -> dict[str, str]:
    """File name in docs/reference/ -> its Markdown."""
    return {name: make() for name, make in PAGES.items()}


def main() -> None:
    REFERENCE.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (REFERENCE / name).write_text(text, encoding="utf-8")
        print(f"wrote {REFERENCE / name}", file=sys.stderr)


if __name__ == "__main__":
    main()
