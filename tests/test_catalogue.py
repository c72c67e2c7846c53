"""The one message catalogue: every text the CLI, the pages and the report use is in it, translated,
with the same placeholders; nothing in it is unused."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

import rempart
from rempart.i18n import CATALOGUE
from rempart.signals.registry import SIGNAL_TYPES

ROOT = Path(rempart.__file__).parent


def _catalogue() -> list[tuple[str | None, str, str]]:
    with CATALOGUE.open("rb") as handle:
        return [(m.context, str(m.id), str(m.string)) for m in read_po(handle) if m.id]


def _cli_keys() -> set[str]:
    keys = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(str(node.args[0].value))
    return keys


def _template_texts() -> set[str]:
    texts = set()
    environment = Environment()
    for path in (ROOT / "pages" / "templates").glob("*.html"):
        for call in environment.parse(path.read_text()).find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name in {
                "both",
                "both_markup",
                "plain",
            }:
                texts.add(str(call.args[0].as_const()))
    return texts


def _signal_texts() -> set[str]:
    texts = {"{seen} of {sampled} sampled frames", "{signal} match"}
    for signal in SIGNAL_TYPES.values():
        for distance, inliers in ((0, None), (5, None), (None, 40)):
            texts.add(signal.explain(distance, inliers, 31)[0])
    return texts


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_every_text_in_use_is_in_the_catalogue_and_translated() -> None:
    entries = _catalogue()
    keyed = {context: (english, french) for context, english, french in entries if context}
    plain = {english: french for context, english, french in entries if not context}
    assert _cli_keys() - set(keyed) == set()
    assert (_template_texts() | _signal_texts()) - set(plain) == set()
    assert all(french.strip() for _, _, french in entries)


def test_translations_keep_every_placeholder() -> None:
    wrong = [(e, f) for _, e, f in _catalogue() if _fields(e) != _fields(f)]
    assert wrong == []


def test_nothing_in_the_catalogue_is_unused() -> None:
    used_keys, used_texts = _cli_keys(), _template_texts() | _signal_texts()
    unused = [
        (context, english)
        for context, english, _ in _catalogue()
        if (context and context not in used_keys) or (not context and english not in used_texts)
    ]
    assert unused == []
