"""National rounds, the institutions of the national rollout, and national releases."""

import json
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

QUARTERS = (1, 2, 3, 4)


class NationalRound(db.Model):
    """A round held across organisations ("Ordet er dit – sikrede institutioner 2025").

    Each organisation holds its own ``Round`` and joins it here (``Round.national_round_id``);
    the national figures are computed from the core questions (``questionnaire`` at
    ``version``) of those rounds' releases. Created by the platform administrator.
    """

    __tablename__ = "national_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    # The national core questionnaire: its key (a kiosk variant) and version.
    questionnaire: Mapped[str] = mapped_column(String(40), default="unge")
    version: Mapped[int] = mapped_column(default=1)

    def __repr__(self) -> str:
        return f"<NationalRound {self.slug}>"


class Institution(db.Model):
    """A tilbud in the national rollout (e.g. a sikret institution) and its planned start.

    Its operator is the tilbud's organisation. Registered by the platform administrator.
    """

    __tablename__ = "national_institution"

    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True)
    planned_year: Mapped[int]
    planned_quarter: Mapped[int]  # 1-4


class NationalRelease(db.Model):
    """A frozen, audited publication of a national round's figures.

    It is made from the newest release of each taking-part organisation round (``sources``),
    so every institution's number is one its own organisation has published or hidden too,
    and its hidden cells are chosen over the national tree (institution → operator →
    national) and every earlier national release, with each operator's own knowledge added
    to the attacker's (``ordet.national.releases``).
    """

    __tablename__ = "national_release"
    __table_args__ = (UniqueConstraint("national_round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    national_round_id: Mapped[int] = mapped_column(ForeignKey("national_round.id"), index=True)
    number: Mapped[int]
    published_on: Mapped[date]
    threshold: Mapped[int]
    respondents: Mapped[int]
    # [[pattern, unit kind, unit id], ...] of the cells hidden.
    hidden_json: Mapped[str] = mapped_column(Text, default="[]")
    # [organisation round release id, ...] the release was made from.
    sources_json: Mapped[str] = mapped_column(Text, default="[]")

    @property
    def hidden(self) -> dict[str, set[tuple[str, int]]]:
        """{pattern: {(unit kind, unit id)}} of the cells this release hides."""
        found: dict[str, set[tuple[str, int]]] = {}
        for part, kind, unit_id in json.loads(self.hidden_json):
            found.setdefault(part, set()).add((kind, unit_id))
        return found

    @property
    def sources(self) -> list[int]:
        return list(json.loads(self.sources_json))


class NationalReleaseCount(db.Model):
    """What a national release shows, frozen: per institution, core question and value."""

    __tablename__ = "national_release_count"
    __table_args__ = (Index("ix_national_release_count_operator", "release_id", "operator_id"),)

    release_id: Mapped[int] = mapped_column(
        ForeignKey("national_release.id", ondelete="CASCADE"), primary_key=True
    )
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int]
    # The institution's operator when the release was made: the release's tree, frozen, and
    # what the national and per-operator figures are summed by without a join.
    operator_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))


class NationalReleaseTotal(db.Model):
    """A national release's counts summed per operator when it was made: what the national
    overview and every organisation's "Landsplan" read (a few hundred rows, however many
    institutions), the same numbers as the sum of its ``NationalReleaseCount`` rows."""

    __tablename__ = "national_release_total"

    release_id: Mapped[int] = mapped_column(
        ForeignKey("national_release.id", ondelete="CASCADE"), primary_key=True
    )
    operator_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int]
