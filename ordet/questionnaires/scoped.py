"""The questionnaire as one organisation asks it: the shipped one with its own questions."""

from ..extensions import db
from ..org.models import Organisation
from .loader import all_versions, get
from .model import Questionnaire


def organisation_slug(organisation_id: int) -> str | None:
    """The slug that names an organisation's own questions (the session's identity map usually
    holds the organisation already: no statement then)."""
    organisation = db.session.get(Organisation, organisation_id)
    return organisation.slug if organisation is not None else None


def of_organisation(organisation_id: int, key: str, version: int) -> Questionnaire | None:
    return get(key, version, organisation_slug(organisation_id))


def of_round(round_, variant: str, version: int | None = None) -> Questionnaire | None:
    """The questionnaire ``round_`` uses for ``variant``, with its organisation's own
    questions; None when the round doesn't use the variant."""
    version = round_.version_of(variant) if version is None else version
    if version is None:
        return None
    return of_organisation(round_.organisation_id, variant, version)


def all_of_organisation(organisation_id: int) -> list[Questionnaire]:
    """Every shipped questionnaire version as ``organisation_id`` asks it."""
    slug = organisation_slug(organisation_id)
    return [get(key, version, slug) for key, version in sorted(all_versions())]
