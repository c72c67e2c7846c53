"""User-facing messages in English and French; the language comes from REMPART_LANG or LANG."""

from __future__ import annotations

import os

MESSAGES: dict[str, dict[str, str]] = {
    "bank_created": {"en": "Bank {name!r} created (PDQ threshold {threshold}).", "fr": "Banque {name!r} créée (seuil PDQ {threshold})."},
    "no_banks": {"en": "No banks yet. Create one with `rempart bank create NAME`.", "fr": "Aucune banque. Créez-en une avec `rempart bank create NOM`."},
    "entries_added": {
        "en": "{count} entries added to {bank!r} ({present} already there).",
        "fr": "{count} entrées ajoutées à {bank!r} ({present} déjà présentes).",
    },
    "imported": {
        "en": "{count} hashes (PDQ, video MD5) imported into {bank!r} ({present} already there).",
        "fr": "{count} empreintes (PDQ, MD5 vidéo) importées dans {bank!r} ({present} déjà présentes).",
    },
    "skipped_types": {"en": "Skipped (signal type not supported): {detail}", "fr": "Ignorées (type de signal non pris en charge) : {detail}"},
    "withdrawn": {
        "en": "Entry {entry} withdrawn from {bank!r}: {count} fingerprints deleted.",
        "fr": "Entrée {entry} retirée de {bank!r} : {count} empreintes supprimées.",
    },
    "file_failed": {"en": "Skipped {path}: {reason}", "fr": "Fichier ignoré {path} : {reason}"},
    "fingerprinted": {
        "en": "{count} files fingerprinted, {failed} failed. Only hashes were written; no image was copied.",
        "fr": "{count} fichiers traités, {failed} en échec. Seules les empreintes ont été écrites ; aucune image n'a été copiée.",
    },
    "no_match": {"en": "{path}: no match", "fr": "{path} : aucune correspondance"},
    "match_line": {
        "en": "{path}: MATCH bank={bank} entry={entry} {label} signal={signal} {strength}",
        "fr": "{path} : CORRESPONDANCE banque={bank} entrée={entry} {label} signal={signal} {strength}",
    },
    "match_summary": {
        "en": "{files} files checked, {matched} matched, {failed} unreadable.",
        "fr": "{files} fichiers vérifiés, {matched} correspondances, {failed} illisibles.",
    },
    "nothing_to_add": {"en": "Give files or --fingerprints FILE.", "fr": "Indiquez des fichiers ou --fingerprints FICHIER."},
    "error": {"en": "Error: {message}", "fr": "Erreur : {message}"},
    "scanning": {"en": "scanning", "fr": "analyse"},
    "export_failed": {"en": "Export skipped: {name}: {reason}", "fr": "Export ignoré : {name} : {reason}"},
    "scan_summary": {
        "en": "{exports} exports, {media} media references ({resumed} already done in an earlier run): "
        "{hashed} hashed, {unavailable} not available, {failed} unreadable; {matches} new matches.",
        "fr": "{exports} exports, {media} médias référencés ({resumed} déjà traités lors d'un passage précédent) : "
        "{hashed} hachés, {unavailable} indisponibles, {failed} illisibles ; {matches} nouvelles correspondances.",
    },
    "rescan_summary": {
        "en": "{files} scanned files checked again without re-reading the media; {matches} new matches.",
        "fr": "{files} fichiers déjà analysés revérifiés sans relire les médias ; {matches} nouvelles correspondances.",
    },
    "case_line": {
        "en": "case bank={bank} entry={entry} {label}: {posts} posts, {servers} servers, {authors} authors",
        "fr": "dossier banque={bank} entrée={entry} {label} : {posts} publications, {servers} serveurs, {authors} auteurs",
    },
    "key_created": {
        "en": "Key {name!r} ({role}) created. Keep the secret now: it is not stored and cannot be shown again.",
        "fr": "Clé {name!r} ({role}) créée. Gardez le secret maintenant : il n'est pas conservé et ne pourra plus être affiché.",
    },
    "key_revoked": {"en": "Key {name!r} revoked.", "fr": "Clé {name!r} révoquée."},
    "serving": {
        "en": "Rempart on {url} — victims: {url}/protect, reviewers: {url}/review, API: {url}/docs",
        "fr": "Rempart sur {url} — victimes : {url}/protect, revue : {url}/review, API : {url}/docs",
    },
    "report_written": {"en": "Report written: {path}", "fr": "Rapport écrit : {path}"},
    "sample_written": {
        "en": "{exports} synthetic exports in {folder}; victims' photos to register in {photos}.",
        "fr": "{exports} exports synthétiques dans {folder} ; photos des victimes à enregistrer dans {photos}.",
    },
}


def language() -> str:
    """'fr' or 'en', from REMPART_LANG, then LANG."""
    chosen = os.environ.get("REMPART_LANG") or os.environ.get("LANG", "en")
    return "fr" if chosen.lower().startswith("fr") else "en"


def t(key: str, **values: object) -> str:
    """The message ``key`` in the user's language, formatted with ``values``."""
    return MESSAGES[key][language()].format(**values)
