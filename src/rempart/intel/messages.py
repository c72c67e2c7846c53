"""Message signals: what a chat message says about abuse of a real woman's pictures, each hit
explained by the rule and the phrase that fired. French and English, with the slang, spellings,
leetspeak, spacing and emoji that evade keyword lists (``rempart.intel.normalize`` undoes those
first).

Kinds (``KINDS``): ``solicitation`` (asks for, offers or announces sexual "tributes" or content
about a woman, or availability to make them), ``identifies_person`` (ties a target to a real
person: relation, social handle, school, town, workplace — only where the message is about sexual
content or exposure, or gives a woman's account with where to find her), ``covert_capture`` (a
picture taken or obtained without her knowledge), ``minor`` (the target is under 18), ``deepfake``
(undressing / face-swap tools or results).

How a rule reads: a pattern on the folded text plus the contexts it needs in the same message (a
request or offer, a woman as the target, sexual vocabulary, a picture being taken) or another kind
already found there ("found:covert_capture": a picture taken without her knowing, then offered).
Rules run in three passes: those that need no finding, those that need a target (a message about
her), those that need another kind; the target rules run again when the last pass found a kind that
makes the message about her. Text that reports on the practice, prevents it or asks for help (news,
helplines, a victim) silences every kind; "tribute" bands and homages silence the tribute rules; a
negated phrase ("pas de mineurs", "no tribs") is removed before matching, so a quoted rules page is
neither a defence nor a hit. The rules are in ``rempart.intel.rules``, the words they are made of
in ``rempart.intel.vocabulary``; ``rempart.intel.triggers`` decides in one automaton pass which of
them a message can reach (most messages: none).

Then a second reader, the statistical model of ``rempart.intel.model``, adds the kinds the rules
missed: where the rules found a kind in the message, or where the model reads a solicitation on
its own in a message about a woman, in sexual words or a tribute (the message is then about her,
and the rules that need a target run again: who she is, how old); it says `minor` only where an
age, a class or a word for a child is in the message. Its hits name the rule
``model`` and the words that weighed most.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rempart.intel.model import MODEL_ALONE_FROM, MODEL_RULE, active_model
from rempart.intel.normalize import fold
from rempart.intel.rules import FIRST, ON_FINDINGS, ON_TARGET, RULE_OF, RULES, Rule
from rempart.intel.triggers import RULE_FAMILIES, TRIGGER_STEMS, has_trigger, trigger_families
from rempart.intel.vocabulary import (
    ACCOUNT,
    AI,
    ANY_WOMAN,
    ASK,
    CAPTURE,
    COMMISSIONED,
    CONCESSION,
    CONTEST,
    EVENT,
    FEMALE,
    FOND,
    GAME,
    HELD,
    HOMAGE,
    MEMBERS_WOMEN,
    NEGATED,
    OFFER,
    PRIVATE,
    PRIVATE_ACCOUNT,
    RATING,
    REPORTING,
    REQUEST,
    REWARD,
    SCALE,
    SEXUAL,
    SHOWN,
    STAFF,
    STOLEN,
    TRIBUTE,
    WHEREABOUTS,
    WordFacet,
)

__all__ = [
    "KINDS",
    "MAX_CHARACTERS",
    "RULES",
    "RULE_FAMILIES",
    "TRIGGER_STEMS",
    "Evidence",
    "MessageSignal",
    "has_trigger",
    "message_signals",
    "about_her",
    "reading_view",
    "taken_from_model",
    "trigger_families",
]

KINDS = ("solicitation", "identifies_person", "covert_capture", "minor", "deepfake")
#: A kind is reported from this score up (one rule of weight ≥ 0.5 is enough).
REPORT_FROM = 0.5
#: Discord's longest message (with Nitro): a longer text is read no further, so no input can
#: make the rules run long.
MAX_CHARACTERS = 4000


_CONTEXTS: dict[str, re.Pattern[str] | WordFacet] = {
    "ask": ASK,
    "female": FEMALE,
    "sexual": SEXUAL,
    "capture": CAPTURE,
    "ai": AI,
    "stolen": STOLEN,
    "private": PRIVATE,
    "rating": RATING,
    "tribute": TRIBUTE,
    "concession": CONCESSION,
    "whereabouts": WHEREABOUTS,
    "offer": OFFER,
    "shown": SHOWN,
    "held": HELD,
    "commissioned": COMMISSIONED,
    "account": ACCOUNT,
    "scale": SCALE,
    "private_account": PRIVATE_ACCOUNT,
    "event": EVENT,
    "fond": FOND,
    "any_woman": ANY_WOMAN,
    "contest": CONTEST,
    "request": REQUEST,
    "game": GAME,
    "members_women": MEMBERS_WOMEN,
    "reward": REWARD,
}
#: Trigger families of what a solicitation is about (pictures, sexual words, a tribute, sending):
#: with none of them and nothing from the rules, the model is not asked.
_CONTENT_FAMILIES = frozenset({"tribute", "sexual", "picture", "send"})
#: Contexts of a message about her, for the model's solicitation on its own.
ABOUT_HER_CONTEXTS = ("female", "sexual", "tribute")
#: Kinds whose hits make a message about a target (for the rules that need ``target``).
_TARGETING = ("solicitation", "covert_capture", "deepfake", "identifies_person")

#: A need as ``message_signals`` reads it, parsed once: what it asks for and of what (a kind for
#: "found", a context for "no" and "has"; "target" needs nothing more).
_Need = tuple[str, str]
#: A rule as ``message_signals`` reads it: the rule, the trigger families it starts from (None:
#: any), and its needs, each a tuple of alternatives (findings of other kinds first: cheapest).
_Plan = tuple[Rule, frozenset[str] | None, tuple[tuple[_Need, ...], ...]]


def _parsed(context: str) -> _Need:
    for prefix in ("found:", "no:"):
        if context.startswith(prefix):
            return prefix[:-1], context[len(prefix) :]
    return ("target", "") if context == "target" else ("has", context)


def _plans(rules: list[Rule]) -> tuple[_Plan, ...]:
    return tuple(
        (
            rule,
            RULE_FAMILIES.get(rule.name),
            tuple(
                tuple(_parsed(context) for context in need)
                for need in sorted(
                    rule.needs, key=lambda need: not all(c.startswith("found:") for c in need)
                )
            ),
        )
        for rule in rules
    )


_FIRST, _ON_TARGET, _ON_FINDINGS = _plans(FIRST), _plans(ON_TARGET), _plans(ON_FINDINGS)


@dataclass(frozen=True)
class Evidence:
    """Why a kind fired: the rule, the phrase (folded), and the rule in words."""

    rule: str
    phrase: str

    def as_dict(self, lang: str = "en") -> dict[str, str]:
        rule = MODEL_RULE if self.rule == MODEL_RULE.name else RULE_OF[self.rule]
        return {
            "rule": self.rule,
            "phrase": self.phrase,
            "why": rule.fr if lang == "fr" else rule.en,
        }


@dataclass(frozen=True)
class MessageSignal:
    """One kind found in one message, its score (0–1) and its evidence."""

    kind: str
    score: float
    evidence: tuple[Evidence, ...]

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "kind": self.kind,
            "score": self.score,
            "evidence": [e.as_dict(lang) for e in self.evidence],
        }


def message_signals(text: str) -> list[MessageSignal]:
    """The kinds ``text`` shows, in ``KINDS`` order (empty for most messages); only its first
    ``MAX_CHARACTERS`` are read."""
    folded = fold(text[:MAX_CHARACTERS])
    families = trigger_families(folded) if folded else frozenset()
    if not families:
        return []
    if REPORTING.search(folded):
        return []
    folded = NEGATED.sub(" ", folded)
    views: dict[str, str] = {}  # the text minus school staff, made once if a minor rule runs
    present: dict[str, bool] = {}

    def has(context: str) -> bool:
        if context not in present:
            present[context] = bool(_CONTEXTS[context].search(folded))
        return present[context]

    homage = bool(HOMAGE.search(folded)) and not has("sexual")  # one search of SEXUAL, kept
    if homage:  # "tribute" in its ordinary sense: not a context for the other rules either
        present["tribute"] = False

    found: dict[str, list[tuple[Rule, str]]] = {}

    def fire(plans: tuple[_Plan, ...]) -> None:
        for rule, needed, needs in plans:
            if homage and rule.kind == "solicitation":
                continue
            if needed is not None and needed.isdisjoint(families):
                continue
            if not _needs_met(needs, has, found):
                continue
            if rule.kind == "minor":
                if "minor" not in views:
                    views["minor"] = STAFF.sub(" ", folded)
                hit = rule.pattern.search(views["minor"])
            else:
                hit = rule.pattern.search(folded)
            if hit:
                found.setdefault(rule.kind, []).append((rule, hit.group().strip()))

    fire(_FIRST)
    fire(_ON_TARGET)
    before = set(found)
    fire(_ON_FINDINGS)
    if any(kind in _TARGETING for kind in found.keys() - before):
        # a kind found last can make the message about a target
        fire(tuple(plan for plan in _ON_TARGET if plan[0].kind not in found))
    signals = _scored(found)
    model = active_model()
    if model is not None and (signals or not _CONTENT_FAMILIES.isdisjoint(families)):
        readings = {k: p for k, p in model.read(folded).items() if k in KINDS}
        if homage:
            readings.pop("solicitation", None)
        if "minor" not in families:  # no age, class or word for a child: the model cannot know
            readings.pop("minor", None)
        taken = taken_from_model(
            readings, bool(signals), lambda: any(has(c) for c in ABOUT_HER_CONTEXTS)
        )
        if taken and not signals:
            # the model's solicitation makes the message about her: who she is, how old
            found["solicitation"] = []
            fire(_ON_TARGET)
            del found["solicitation"]
            signals = _scored(found)
        for kind, probability in taken.items():
            if kind in signals:
                continue
            words = model.heaviest(folded, kind)
            if words:
                signals[kind] = MessageSignal(
                    kind, probability, (Evidence(MODEL_RULE.name, " ".join(words)),)
                )
    return [signals[kind] for kind in KINDS if kind in signals]


def _scored(found: dict[str, list[tuple[Rule, str]]]) -> dict[str, MessageSignal]:
    """The rules' hits as signals: each kind's score combines its rules' weights."""
    signals: dict[str, MessageSignal] = {}
    for kind in KINDS:
        hits = found.get(kind)
        if not hits:
            continue
        missing = 1.0
        for rule, _ in hits:
            missing *= 1 - rule.weight
        score = round(min(0.99, 1 - missing), 2)
        if score >= REPORT_FROM:
            signals[kind] = MessageSignal(
                kind, score, tuple(Evidence(r.name, phrase) for r, phrase in hits)
            )
    return signals


def reading_view(text: str) -> str:
    """The message as the rules and the model read it: folded, negated phrases out."""
    return NEGATED.sub(" ", fold(text[:MAX_CHARACTERS]))


def about_her(view: str) -> bool:
    """Whether a message (its ``reading_view``) has one of ``ABOUT_HER_CONTEXTS``."""
    return any(_CONTEXTS[context].search(view) for context in ABOUT_HER_CONTEXTS)


def taken_from_model(
    readings: dict[str, float], rules_found: bool, about_her: Callable[[], bool]
) -> dict[str, float]:
    """The model's ``readings`` (kinds from ``REPORT_FROM``) that a message's signals take: all
    of them where the rules found a kind, none otherwise unless the model reads a solicitation at
    ``MODEL_ALONE_FROM`` in a message ``about_her`` (a woman, sexual words or a tribute: "send
    pics of your cats" is none). ``bench/intel_first_look.py`` applies the same."""
    if not rules_found and (
        readings.get("solicitation", 0.0) < MODEL_ALONE_FROM or not about_her()
    ):
        return {}
    return readings


def _needs_met(
    needs: tuple[tuple[_Need, ...], ...], has: Any, found: dict[str, list[tuple[Rule, str]]]
) -> bool:
    """Whether every need has one of its contexts."""
    for need in needs:
        for context in need:
            if _satisfied(context, has, found):
                break
        else:
            return False
    return True


def _satisfied(need: _Need, has: Any, found: dict[str, list[tuple[Rule, str]]]) -> bool:
    """Whether the message meets ``need``: ("has", CONTEXT) it has the context; ("no", CONTEXT)
    it lacks it; ("found", KIND) that kind was found already; ("target", "") it is about sexual
    content or exposure (sexual words, a targeting kind already found, her picture offered, or
    pictures shown with where to find her)."""
    what, of = need
    if what == "has":
        return bool(has(of))
    if what == "found":
        return of in found
    if what == "no":
        return not has(of)
    return (
        has("sexual")
        or has("tribute")
        or any(kind in found for kind in _TARGETING)
        or (
            has("ask") and has("capture") and has("female") and not has("event") and not has("fond")
        )
        or (has("shown") and has("capture") and has("whereabouts"))
    )
