"""Drafts a pack holds: a DSA Article 16 notice to the hosting service, a PHAROS report summary
and a plainte to the procureur de la République — filled from the preserved sightings, with the
blanks a person must complete marked ``[…]``.

Article 16(2) of Regulation (EU) 2022/2065 names four elements: (a) the reasons why the content
is illegal, (b) the exact URLs, (c) the notifier's name and e-mail (not required for offences of
Articles 3 to 7 of Directive 2011/93/EU, i.e. where a minor is involved), (d) a statement of good
faith. Each draft says what it is and that nothing was sent.
"""

from __future__ import annotations

from typing import Any

from rempart.evidence.legal import MINOR_ROUTES, NOT_ADVICE, offences

BLANK = "[…]"


def _urls(sightings: list[dict[str, Any]]) -> list[str]:
    return sorted({s["message"]["link"] for s in sightings if s["message"].get("link")})


def _articles(minor: bool) -> str:
    return ", ".join(o.article for o in offences(minor))


def dsa_notice(
    case: dict[str, Any], sightings: list[dict[str, Any]], name: str, email: str, lang: str
) -> str:
    urls = "\n".join(f"  - {u}" for u in _urls(sightings)) or f"  - {BLANK}"
    minor = bool(case["minor"])
    if lang == "fr":
        notifier = (
            "  (non requis : infraction impliquant un mineur, art. 16(2)(c))"
            if minor
            else f"  Nom : {name or BLANK}\n  Courriel : {email or BLANK}"
        )
        return (
            "NOTIFICATION DE CONTENU ILLICITE — article 16 du règlement (UE) 2022/2065 (DSA)\n"
            "Brouillon préparé par Rempart : rien n'a été envoyé.\n\n"
            "Destinataire : Discord Inc., point de contact DSA / formulaire de signalement\n\n"
            "a) Motifs (pourquoi ces contenus sont illicites) :\n"
            f"  Les messages ci-dessous publient {len(sightings)} fois une image d'une personne "
            "identifiée, sans son consentement, dans un contexte sexuel et humiliant. Ces faits "
            f"peuvent relever des articles {_articles(minor)} du Code pénal français. "
            "Chaque image correspond à une photo enregistrée par la personne concernée "
            "(correspondance vérifiée par empreinte perceptuelle ; SHA-256 de chaque fichier "
            "dans le dossier de preuve joint).\n\n"
            f"b) Emplacements exacts (URL) :\n{urls}\n\n"
            f"c) Notifiant :\n{notifier}\n\n"
            "d) Déclaration de bonne foi :\n"
            "  Je déclare de bonne foi que les informations et allégations contenues dans la "
            "présente notification sont exactes et complètes.\n\n"
            f"Date : {BLANK}    Signature : {BLANK}\n"
        )
    notifier = (
        "  (not required: an offence involving a minor, Art. 16(2)(c))"
        if minor
        else f"  Name: {name or BLANK}\n  E-mail: {email or BLANK}"
    )
    return (
        "NOTICE OF ILLEGAL CONTENT — Article 16 of Regulation (EU) 2022/2065 (DSA)\n"
        "Draft prepared by Rempart: nothing was sent.\n\n"
        "To: Discord Inc., DSA point of contact / notice form\n\n"
        "(a) Reasons (why this content is illegal):\n"
        f"  The messages below publish an image of an identified person {len(sightings)} times, "
        "without her consent, in a sexual and humiliating context. These acts may fall under "
        f"Articles {_articles(minor)} of the French Code pénal. Each image matches a photo the "
        "person concerned registered (perceptual-hash match; SHA-256 of every file in the "
        "attached evidence pack).\n\n"
        f"(b) Exact locations (URLs):\n{urls}\n\n"
        f"(c) Notifier:\n{notifier}\n\n"
        "(d) Statement of good faith:\n"
        "  I confirm my bona fide belief that the information and allegations contained in this "
        "notice are accurate and complete.\n\n"
        f"Date: {BLANK}    Signature: {BLANK}\n"
    )


def _facts_fr(sightings: list[dict[str, Any]]) -> str:
    lines = []
    for s in sightings:
        posted = s["message"]["posted_at"]["europe_paris"] or "date inconnue"
        lines.append(
            f"  - {posted} (heure de Paris) : serveur « {s['guild']['name']} » "
            f"({s['guild']['id']}), salon « {s['channel']['name']} », compte "
            f"« {s['author']['name']} » (identifiant {s['author']['id']}) ; "
            f"{s['message']['link'] or BLANK} ; fichier SHA-256 {s['media']['sha256']}"
        )
    return "\n".join(lines) or f"  - {BLANK}"


def pharos_summary(case: dict[str, Any], sightings: list[dict[str, Any]]) -> str:
    minor = bool(case["minor"])
    routes = "\n".join(f"  {line}" for line in MINOR_ROUTES["fr"]) + "\n\n" if minor else ""
    servers = sorted({s["guild"]["name"] or s["guild"]["id"] for s in sightings})
    authors = sorted({f"{s['author']['name']} ({s['author']['id']})" for s in sightings})
    return (
        "SIGNALEMENT PHAROS — résumé à reporter sur https://www.internet-signalement.gouv.fr\n"
        "Brouillon préparé par Rempart : rien n'a été envoyé.\n\n"
        + routes
        + "Type : diffusion d'images d'une personne sans son consentement, à caractère sexuel"
        + (" — victime mineure" if minor else "")
        + "\n"
        f"Plateforme : Discord — serveurs : {', '.join(servers) or BLANK}\n"
        f"Comptes ayant publié : {', '.join(authors) or BLANK}\n"
        f"Publications ({len(sightings)}) :\n{_facts_fr(sightings)}\n\n"
        "Les fichiers, leurs empreintes et le journal de conservation horodaté sont dans le "
        "dossier de preuve (pack.zip) ; VERIFY.txt explique comment le vérifier.\n"
    )


def plainte(case: dict[str, Any], sightings: list[dict[str, Any]]) -> str:
    minor = bool(case["minor"])
    articles = _articles(minor)
    return (
        f"{BLANK} (nom, prénom, adresse de la victime ou de son représentant)\n\n"
        "À l'attention de Madame ou Monsieur le Procureur de la République\n"
        f"près le tribunal judiciaire de {BLANK}\n\n"
        f"À {BLANK}, le {BLANK}\n\n"
        "Objet : plainte contre X\n"
        "Brouillon préparé par Rempart, à relire et compléter ; rien n'a été envoyé.\n\n"
        "Madame, Monsieur le Procureur de la République,\n\n"
        "J'ai l'honneur de porter plainte contre X pour les faits suivants. Des images me "
        + (
            "(ou représentant la personne mineure dont je suis le représentant légal) "
            if minor
            else ""
        )
        + "représentant ont été publiées sans mon consentement sur la plateforme Discord, dans "
        "un contexte sexuel et humiliant :\n\n"
        f"{_facts_fr(sightings)}\n\n"
        f"Ces faits sont susceptibles de recevoir les qualifications prévues aux articles "
        f"{articles} du Code pénal.\n\n"
        "Les publications ont été conservées dès leur découverte : copies chiffrées, empreintes "
        "SHA-256, identifiants Discord, dates de publication et journal de conservation chaîné "
        "et horodaté figurent dans le dossier de preuve joint (pack.zip), vérifiable sans "
        "logiciel particulier (VERIFY.txt).\n\n"
        "Je me constitue partie civile / je me réserve de me constituer partie civile "
        f"(rayer la mention inutile).\n\n"
        "Je vous prie d'agréer, Madame, Monsieur le Procureur de la République, l'expression de "
        "ma haute considération.\n\n"
        f"Signature : {BLANK}\n\n"
        f"{NOT_ADVICE['fr']}\n"
    )
