"""Which round a tilbud answers in today."""

from datetime import date

from ..extensions import db
from ..org.models import Tilbud
from .models import Round, RoundQuestionnaire, RoundTilbud


def open_round_for(tilbud: Tilbud, variant: str, today: date) -> Round | None:
    """The open round this tilbud takes part in with ``variant``; the newest if several."""
    candidates = db.session.scalars(
        db.select(Round)
        .join(RoundTilbud, RoundTilbud.round_id == Round.id)
        .join(RoundQuestionnaire, RoundQuestionnaire.round_id == Round.id)
        .where(
            RoundTilbud.tilbud_id == tilbud.id,
            RoundQuestionnaire.variant == variant,
            Round.opens_on <= today,
            Round.closes_on >= today,
            Round.closed_early.is_(False),
        )
        .order_by(Round.opens_on.desc())
    ).all()
    return candidates[0] if candidates else None


def all_rounds() -> list[Round]:
    return list(db.session.scalars(db.select(Round).order_by(Round.opens_on, Round.slug)))


def round_by_slug(slug: str) -> Round | None:
    return db.session.scalar(db.select(Round).where(Round.slug == slug))
