"""The authority's contacts for letters, kept in Settings so the whole team shares them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store.settings import all_settings, set_setting

PREFIX = "letters."

# key -> what it is, in the caseworker's words (the message when it is missing names it).
CONTACTS: dict[str, str] = {
    "la.name": "the authority's name",
    "signatory.name": "the name of the person who signs letters",
    "signatory.title": "the signatory's job title",
    "officer.phone": "the SEN team's telephone number",
    "officer.email": "the SEN team's email address",
    "mediation.name": "the mediation adviser's name (reg 32)",
    "mediation.contact": "the mediation adviser's contact details (reg 32)",
    "mediation.la_contact": "the authority's contact for mediation (reg 32)",
    "sendiass.name": "the SENDIASS service's name (CFA s.32)",
    "sendiass.contact": "the SENDIASS service's contact details (CFA s.32)",
    "dr.contact": "the disagreement resolution service's contact details (CFA s.57)",
    "tribunal.contact": "how to contact the First-tier Tribunal (SEND)",
    "local_offer.url": "the Local Offer web address (reg 13(1)(b), reg 22(2)(d))",
    "complaints.contact": "the authority's complaints route",
    "templates.folder": "the folder of the authority's own letter templates",
}
# Public facts, not any council's wording: a sensible default the authority may change.
DEFAULTS: dict[str, str] = {
    "tribunal.contact": (
        "First-tier Tribunal (Special Educational Needs and Disability), "
        "www.gov.uk/courts-tribunals/first-tier-tribunal-special-educational-needs-and-disability"
    ),
}
OPTIONAL = frozenset({"templates.folder"})


def load_contacts(session: Session) -> dict[str, str]:
    """Every contact, the default where none is saved; empty text where none is known."""
    saved = {
        key[len(PREFIX) :]: value
        for key, value in all_settings(session).items()
        if key.startswith(PREFIX)
    }
    return {key: (saved.get(key) or DEFAULTS.get(key, "")).strip() for key in CONTACTS}


def save_contact(session: Session, key: str, value: str, user: str) -> None:
    if key not in CONTACTS:
        known = ", ".join(CONTACTS)
        raise KnownError(f"{key!r} is not a letter contact; the contacts are: {known}")
    set_setting(session, PREFIX + key, value.strip(), user)
