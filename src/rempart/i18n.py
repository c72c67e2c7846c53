"""User-facing messages in English and French; the language comes from REMPART_LANG or LANG."""

from __future__ import annotations

import os
import re

MESSAGES: dict[str, dict[str, str]] = {
    "bank_created": {
        "en": "Bank {name!r} created (PDQ threshold {threshold}).",
        "fr": "Banque {name!r} créée (seuil PDQ {threshold}).",
    },
    "no_banks": {
        "en": "No banks yet. Create one with `rempart bank create NAME`.",
        "fr": "Aucune banque. Créez-en une avec `rempart bank create NOM`.",
    },
    "entries_added": {
        "en": "{count} entries added to {bank!r} ({present} already there).",
        "fr": "{count} entrées ajoutées à {bank!r} ({present} déjà présentes).",
    },
    "imported": {
        "en": "{count} hashes (PDQ, video MD5) imported into {bank!r} ({present} already there).",
        "fr": (
            "{count} empreintes (PDQ, MD5 vidéo) importées dans {bank!r} ({present} déjà "
            "présentes)."
        ),
    },
    "skipped_types": {
        "en": "Skipped (signal type not supported): {detail}",
        "fr": "Ignorées (type de signal non pris en charge) : {detail}",
    },
    "withdrawn": {
        "en": "Entry {entry} withdrawn from {bank!r}: {count} fingerprints deleted.",
        "fr": "Entrée {entry} retirée de {bank!r} : {count} empreintes supprimées.",
    },
    "file_failed": {"en": "Skipped {path}: {reason}", "fr": "Fichier ignoré {path} : {reason}"},
    "output_exists": {
        "en": "{path} already exists: choose another file, or add --force to replace it.",
        "fr": (
            "{path} existe déjà : choisissez un autre fichier, ou ajoutez --force pour le "
            "remplacer."
        ),
    },
    "fingerprinted": {
        "en": (
            "{count} files fingerprinted, {failed} failed. Only hashes were written; no image was "
            "copied."
        ),
        "fr": (
            "{count} fichiers traités, {failed} en échec. Seules les empreintes ont été écrites ; "
            "aucune image n'a été copiée."
        ),
    },
    "no_match": {"en": "{path}: no match", "fr": "{path} : aucune correspondance"},
    "match_line": {
        "en": "{path}: MATCH bank={bank} entry={entry} {label} signal={signal} {strength}",
        "fr": (
            "{path} : CORRESPONDANCE banque={bank} entrée={entry} {label} signal={signal} "
            "{strength}"
        ),
    },
    "match_summary": {
        "en": "{files} files checked, {matched} matched, {failed} unreadable.",
        "fr": "{files} fichiers vérifiés, {matched} correspondances, {failed} illisibles.",
    },
    "nothing_to_add": {
        "en": "Give files or --fingerprints FILE.",
        "fr": "Indiquez des fichiers ou --fingerprints FICHIER.",
    },
    "error": {"en": "Error: {message}", "fr": "Erreur : {message}"},
    "scanning": {"en": "scanning", "fr": "analyse"},
    "export_failed": {
        "en": "Export skipped: {name}: {reason}",
        "fr": "Export ignoré : {name} : {reason}",
    },
    "scan_summary": {
        "en": (
            "{exports} exports, {media} media references ({resumed} already done in an earlier "
            "run): "
            "{hashed} hashed, {unavailable} not available, {failed} unreadable; {matches} new "
            "matches."
        ),
        "fr": (
            "{exports} exports, {media} médias référencés ({resumed} déjà traités lors d'un "
            "passage précédent) : "
            "{hashed} hachés, {unavailable} indisponibles, {failed} illisibles ; {matches} "
            "nouvelles "
            "correspondances."
        ),
    },
    "rescan_summary": {
        "en": (
            "{files} scanned files checked again without re-reading the media; {matches} new "
            "matches."
        ),
        "fr": (
            "{files} fichiers déjà analysés revérifiés sans relire les médias ; {matches} "
            "nouvelles correspondances."
        ),
    },
    "case_line": {
        "en": (
            "case bank={bank} entry={entry} {label}: {posts} posts, {servers} servers, {authors} "
            "authors"
        ),
        "fr": (
            "dossier banque={bank} entrée={entry} {label} : {posts} publications, {servers} "
            "serveurs, {authors} auteurs"
        ),
    },
    "key_created": {
        "en": (
            "Key {name!r} ({role}) created. Keep the secret now: it is not stored and cannot be "
            "shown again."
        ),
        "fr": (
            "Clé {name!r} ({role}) créée. Gardez le secret maintenant : il n'est pas conservé et "
            "ne pourra plus être affiché."
        ),
    },
    "key_revoked": {"en": "Key {name!r} revoked.", "fr": "Clé {name!r} révoquée."},
    "serving": {
        "en": (
            "Rempart on {url} — victims: {url}/protect, reviewers: {url}/review, API: "
            "{url}/openapi.json"
        ),
        "fr": (
            "Rempart sur {url} — victimes : {url}/protect, revue : {url}/review, API : "
            "{url}/openapi.json"
        ),
    },
    "report_written": {"en": "Report written: {path}", "fr": "Rapport écrit : {path}"},
    "sample_written": {
        "en": "{exports} synthetic exports in {folder}; victims' photos to register in {photos}.",
        "fr": (
            "{exports} exports synthétiques dans {folder} ; photos des victimes à enregistrer "
            "dans {photos}."
        ),
    },
}


#: French for the phrases of Rempart's error details (the details name files and values, so they
#: are translated phrase by phrase; a phrase missing here stays in English).
_FRENCH_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), replacement)
    for pattern, replacement in [
        (
            r"no bank named ('[^']*') \(see `rempart bank list`\)",
            r"aucune banque nommée \1 (voir `rempart bank list`)",
        ),
        (r"a bank named ('[^']*') already exists", r"une banque nommée \1 existe déjà"),
        (r"no entry (\d+) in bank ('[^']*')", r"aucune entrée \1 dans la banque \2"),
        (r"a bank name must be 1 to 100 characters", "un nom de banque fait de 1 à 100 caractères"),
        (
            r"not an image or video Rempart can read \(unknown content\)",
            "ni une image ni une vidéo que Rempart sait lire (contenu inconnu)",
        ),
        (r"\bempty file\b", "fichier vide"),
        (r"not a regular file", "pas un fichier ordinaire"),
        (r"cannot read file", "fichier illisible"),
        (r"cannot read\b", "lecture impossible"),
        (r"truncated or corrupt", "tronqué ou corrompu"),
        (r"looks like (\w+) but cannot be decoded", r"ressemble à du \1 mais ne se décode pas"),
        (r"cannot decode video", "vidéo impossible à décoder"),
        (r"cannot decode", "impossible à décoder"),
        (
            r"too many pixels, over the (\S+) limit \(decompression bomb\?\)",
            r"trop de pixels, au-delà de la limite \1 (bombe de décompression ?)",
        ),
        (r"is over the (\S+) limit", r"dépasse la limite \1"),
        (r"bytes is over the", "octets, au-delà de la limite de"),
        (r"possible decompression bomb", "bombe de décompression possible"),
        (r"no decodable video frames", "aucune image vidéo décodable"),
        (r"no video stream", "aucun flux vidéo"),
        (r"no such file or folder", "fichier ou dossier introuvable"),
        (
            r"neither a DiscordChatExporter JSON export, a folder nor a zip archive",
            "ni un export JSON DiscordChatExporter, ni un dossier, ni une archive zip",
        ),
        (r"unreadable zip archive", "archive zip illisible"),
        (
            r"would be written outside the archive folder \(refused\)",
            "serait écrit hors du dossier de l'archive (refusé)",
        ),
        (r"is a symbolic link \(refused\)", "est un lien symbolique (refusé)"),
        (r"malformed message", "message mal formé"),
        (r"not a Discord id", "pas un identifiant Discord"),
        (r"nested more than (\d+) levels deep", r"imbriqué sur plus de \1 niveaux"),
        (r"not JSON", "pas du JSON"),
        (r"not a DiscordChatExporter JSON export", "pas un export JSON DiscordChatExporter"),
        (
            r"not a PDQ hash \(64 hex characters\)",
            "pas une empreinte PDQ (64 caractères hexadécimaux)",
        ),
        (r"not a Rempart fingerprint line", "pas une ligne d'empreinte Rempart"),
        (
            r"holds more than the (\d+) keypoints Rempart computes",
            r"contient plus que les \1 points-clés que Rempart calcule",
        ),
        (
            r"URL not allowed: only https:// URLs on the configured hosts \(REMPART_FETCH_HOSTS\) "
            r"are fetched",
            "URL refusée : seules les URL https:// des hôtes configurés (REMPART_FETCH_HOSTS) "
            "sont téléchargées",
        ),
        (r"could not fetch the URL", "téléchargement impossible"),
        (r"no hashes found", "aucune empreinte trouvée"),
    ]
]


def localized(detail: str) -> str:
    """An error detail in the user's language (phrase by phrase; names and values as they are)."""
    if language() != "fr":
        return detail
    for pattern, replacement in _FRENCH_DETAILS:
        detail = pattern.sub(replacement, detail)
    return detail


def language() -> str:
    """'fr' or 'en', from REMPART_LANG, then LANG."""
    chosen = os.environ.get("REMPART_LANG") or os.environ.get("LANG", "en")
    return "fr" if chosen.lower().startswith("fr") else "en"


#: Characters never printed from data: controls (ESC starts terminal escapes, CR/LF split records)
#: and bidirectional overrides (RLO makes "gpj.exe" read as "exe.jpg").
_UNPRINTABLE: dict[int, str | None] = {
    code: None
    for code in [
        *range(0x00, 0x20),
        0x7F,
        *range(0x80, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
}
_UNPRINTABLE.update({0x0A: " ", 0x0D: " ", 0x09: " "})


def terminal_safe(text: str) -> str:
    """``text`` as one printable line: control and bidi-override characters removed, line breaks
    as spaces."""
    return text.translate(_UNPRINTABLE)


def t(key: str, **values: object) -> str:
    """The message ``key`` in the user's language, formatted with ``values`` made terminal-safe."""
    safe = {
        name: terminal_safe(value)
        if isinstance(value, str)
        else terminal_safe(str(value))
        if hasattr(value, "__fspath__")
        else value
        for name, value in values.items()
    }
    for name in ("reason", "message"):  # error details: in the user's language too
        detail = safe.get(name)
        if isinstance(detail, str):
            safe[name] = localized(detail)
    return MESSAGES[key][language()].format(**safe)
