"""The one message catalogue: every text the CLI, the pages and the report use is in it, translated,
with the same placeholders; nothing in it is unused."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

import rempart
from rempart.i18n import CATALOGUE, localized
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
                and node.func.id in {"t", "say"}
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


def _code_strings() -> list[str]:
    """Every string the code writes, f-strings with their values as ``{}`` (split lines joined)."""
    texts = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.JoinedStr):
                texts.append(
                    "".join(
                        str(part.value) if isinstance(part, ast.Constant) else "{}"
                        for part in node.values
                    )
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
    return texts


def _detail_phrase_used(english: str, sources: str) -> bool:
    """Whether an error-detail phrase's longest literal part is written somewhere in the code."""
    literals = [literal for literal, _, _, _ in string.Formatter().parse(english)]
    return max(literals, key=len).strip() in sources


def test_nothing_in_the_catalogue_is_unused() -> None:
    used_keys, used_texts = _cli_keys(), _template_texts() | _signal_texts()
    sources = "\n".join(_code_strings())
    unused = [
        (context, english)
        for context, english, _ in _catalogue()
        if (context == "detail" and not _detail_phrase_used(english, sources))
        or (context and context != "detail" and context not in used_keys)
        or (not context and english not in used_texts)
    ]
    assert unused == []


def test_error_details_are_translated_phrase_by_phrase_with_their_values_kept() -> None:
    assert localized("no bank named 'ma banque' (see `rempart bank list`)", "fr") == (
        "aucune banque nommée 'ma banque' (voir `rempart bank list`)"
    )
    assert localized(
        "x.png: 9000 bytes is over the 100-byte limit (REMPART_MAX_FILE_BYTES)", "fr"
    ) == ("x.png: 9000 octets, au-delà de la limite de 100 octets (REMPART_MAX_FILE_BYTES)")
    assert localized("role 'viewer' may not bank.write", "fr") == (
        "le rôle 'viewer' n'a pas la permission bank.write"
    )
    assert localized("an API key is required", "en") == "an API key is required"
    # a value that looks like a phrase is replaced only where the phrase's shape fits
    assert localized("no entry x in bank 'b'", "fr") == "no entry x in bank 'b'"


def test_every_error_a_user_meets_reads_in_french(tmp_path: Path) -> None:
    """Errors raised by the code (not written here) come back with no English phrase left."""
    from rempart.errors import RempartError
    from rempart.media.kinds import sniff_kind

    big, empty = tmp_path / "big.png", tmp_path / "empty.png"
    big.write_bytes(b"\x89PNG" * 100)
    empty.write_bytes(b"")
    raised = []
    for attempt in (lambda: sniff_kind(big, 10), lambda: sniff_kind(empty, 10)):
        try:
            attempt()
        except RempartError as exc:
            raised.append(localized(str(exc), "fr"))
    assert raised == [
        f"{big}: 400 octets, au-delà de la limite de 10 octets (REMPART_MAX_FILE_BYTES)",
        f"{empty}: fichier vide",
    ]
