"""Message text folded to the form the signal rules are written in: lower case, no accents,
leetspeak and masked letters undone, spaced-out words joined, emoji that stand for words spelt
out, apostrophes as spaces, clause ends as ``|`` (a dot inside a word, as in a handle, stays),
Discord's markup undone (mentions of members out, spoiler bars out, a custom emoji by its name),
links read as "lien" (a link to a picture host as "photo lien"), text-speak spelt out ("ki veu",
"kelk1", "elle é", "u got", "ne1").
Not for display: the rules quote phrases from this form, the report shows the message.
"""

from __future__ import annotations

import re
import unicodedata

#: Emoji used for the words a keyword list would catch.
_EMOJI_WORDS = {
    "\U0001f4a6": " cum ",  # sweat droplets
    "\U0001f346": " bite ",  # aubergine
    "\U0001f51e": " nsfw ",  # no one under eighteen
    "\U0001f4f8": " photo ",  # camera with flash
    "\U0001f4f7": " photo ",  # camera
    "\U0001f92b": " scred ",  # shushing face
    "\U0001f975": " hot ",  # hot face
    "\U0001f351": " fesses ",  # peach
    "\U0001f445": " sexy ",  # tongue
    "\u20ac": " euros ",  # the euro sign, as a price is written
}
_LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"}
)
#: A digit or symbol standing for a letter, once it follows a letter ("c0usine", "tr1b").
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_LEET_AFTER_LETTER = re.compile(r"(?<=[a-z])[013457@$!]+(?=[a-z*]|\b)")
_EMOJI = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))
#: Letters written one by one ("t r i b", "c.u.m"), three or more: joined.
_SPACED = re.compile(r"\b(?:[a-z*][ .\-_/]{1,2}){2,}[a-z*]\b")
#: What every spaced-out word starts with: a cheaper search that rules most messages out.
_SPACED_START = re.compile(r"\b[a-z*][ .\-_/]{1,2}[a-z*][ .\-_/]")
_SEPARATORS = re.compile(r"[ .\-_/]")
#: The same letter three times or more ("triiiib"): once.
_RUNS = re.compile(r"([a-z])\1{2,}")
_RUN_START = re.compile(r"([a-z])\1\1")
#: Where a clause ends: kept as " | ", so that no rule reads across a full stop or a comma.
#: (Each alternative starts with its character, so that Python skips to the next candidate.)
_CLAUSE_MARK = r"(?:!|\?|;|,|:|\n|\.(?<![a-z0-9]\.)|\.(?![a-z0-9]))"
_CLAUSE_END = re.compile(_CLAUSE_MARK + _CLAUSE_MARK + "*")
#: Anything else, and runs of spaces: one space.
_NOT_WORD = re.compile(r"[^a-z0-9*@_|.]+")
_LEET_CHARS = re.compile(r"[013457@$!]")
#: Words of darija in French chat that the rules' vocabulary reads in French.
_SLANG = {"khti": "ma soeur", "okhti": "ma soeur", "ukhti": "ma soeur", "khtek": "ta soeur"}
_SLANG_WORD = re.compile(r"\b(?:" + "|".join(_SLANG) + r")\b")
#: Text-speak spelt out, word for word (after leetspeak is undone: "kelk1" is "kelki"). Only
#: words that mean nothing else in French or English chat: not "c", "d" or "n" (elisions), not
#: "dont" (French), not "ds" (a school test), not digits (prices, scores, "1 to 10"). A "d"
#: before an article or a picture is "de" ("d la", "d foto"; "i d pay" stays); "vs" before a
#: verb is "vous" ("si vs voulez").
_TEXT_SPEAK = {
    "ki": "qui", "koi": "quoi", "ke": "que", "kan": "quand", "kel": "quel", "kelle": "qu elle",
    "kil": "qu il", "kelki": "quelqu un", "kelkun": "quelqu un", "jveu": "je veux",
    "jveux": "je veux", "veu": "veut", "jvend": "je vends", "jvends": "je vends",
    "jvous": "je vous", "jvs": "je vous", "jla": "je la", "jle": "je le", "jles": "je les",
    "jte": "je te", "jsuis": "je suis", "chui": "je suis", "jai": "j ai", "g": "j ai",
    "foto": "photo", "fotos": "photos", "sr": "sur", "pr": "pour", "pdt": "pendant",
    "davoir": "d avoir", "dor": "dort", "tro": "trop", "dla": "de la", "qd": "quand",
    "u": "you", "r": "are", "ur": "your", "nei": "anyone", "anyi": "anyone",
    "sumi": "someone", "somei": "someone", "everyi": "everyone", "da": "the", "thru": "through",
    "nite": "night", "kno": "know", "shes": "she s", "ova": "over",
    "req": "request", "reqs": "requests", "lemme": "let me", "gimme": "give me",
}  # fmt: skip
_TEXT_SPEAK_WORDS = frozenset((*_TEXT_SPEAK, "d", "vs"))
_AFTER_DE = frozenset(
    "la le les ma sa ta mon son ton mes ses tes photo photos foto fotos tof tofs vid vids video"
    " videos pics nudes".split()
)
_AFTER_VOUS = frozenset("voulez avez pouvez etes allez savez faites".split())
#: Accented one-letter text-speak ("elle é bonne", "mé", "lé meufs"), read before the accents go.
_ACCENTED_SPEAK = {"é": "est", "mé": "mais", "fé": "fait", "lé": "les", "dé": "des", "cé": "c est"}
_ACCENTED_WORD = re.compile(r"(?<![\w'])(?:" + "|".join(_ACCENTED_SPEAK) + r")(?![\w'])")
_DOLLARS = re.compile(r"\$ ?([0-9]+)")
#: Discord's markup: member, role and channel mentions (not her account), spoiler bars; a custom
#: emoji keeps its name.
_MENTION = re.compile(r"<(?:@[!&]?|#)[0-9]+>")
_CUSTOM_EMOJI = re.compile(r"<a?:([a-z0-9_]+):[0-9]+>")
_SPOILER = re.compile(r"\|\|")
#: A link: to a picture or file host, a picture; any other, a link.
_PICTURE_LINK = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:imgur\.com|discordapp\.(?:com|net)|redd\.it|gyazo\.com|prnt\.sc"
    r"|postimg\.cc|ibb\.co|mega\.nz|dropbox\.com|drive\.google\.com|catbox\.moe)\S*"
)
_LINK = re.compile(r"https?://\S+")


def _spelt_out(words: list[str]) -> list[str]:
    """``words`` with text-speak spelt out (``_TEXT_SPEAK``; "d" and "vs" by the next word)."""
    spelt = []
    for at, word in enumerate(words):
        after = words[at + 1] if at + 1 < len(words) else ""
        if word == "d":
            spelt.append("de" if after in _AFTER_DE else word)
        elif word == "vs":
            spelt.append("vous" if after in _AFTER_VOUS else word)
        else:
            spelt.append(_TEXT_SPEAK.get(word, word))
    return spelt


def fold(text: str) -> str:
    """``text`` in the rules' form (see the module docstring)."""
    lowered = text.lower()
    if "<" in lowered:
        lowered = _CUSTOM_EMOJI.sub(r" \1 ", _MENTION.sub(" ", lowered))
    if "||" in lowered:
        lowered = _SPOILER.sub(" ", lowered)
    if "://" in lowered:
        lowered = _LINK.sub(" lien ", _PICTURE_LINK.sub(" photo lien ", lowered))
    if not lowered.isascii():
        lowered = lowered.translate(_LIGATURES)
        lowered = _EMOJI.sub(lambda m: _EMOJI_WORDS[m.group()], lowered)
        lowered = _ACCENTED_WORD.sub(lambda m: _ACCENTED_SPEAK[m.group()], lowered)
        lowered = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    if "$" in lowered:  # "$20": a price, before "$" is read as an "s"
        lowered = _DOLLARS.sub(r" \1 dollars ", lowered)
    if _LEET_CHARS.search(lowered):
        lowered = _LEET_AFTER_LETTER.sub(lambda m: "".join(_LEET[c] for c in m.group()), lowered)
    if _SPACED_START.search(lowered):
        lowered = _SPACED.sub(lambda m: _SEPARATORS.sub("", m.group()), lowered)
    if _RUN_START.search(lowered):
        lowered = _RUNS.sub(r"\1", lowered)
    if " + " in lowered:  # "elle fait + vieille"
        lowered = lowered.replace(" + ", " plus ")
    lowered = _CLAUSE_END.sub(" | ", lowered)
    folded = _NOT_WORD.sub(" ", lowered).strip()
    if "kht" in folded:
        folded = _SLANG_WORD.sub(lambda m: _SLANG[m.group()], folded)
    words = folded.split(" ")
    if not _TEXT_SPEAK_WORDS.isdisjoint(words):
        folded = " ".join(_spelt_out(words))
    return folded
