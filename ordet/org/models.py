"""The three fixed levels of the organisation, named as users name them."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    anonymity_threshold: Mapped[int] = mapped_column(default=5)
    active: Mapped[bool] = mapped_column(default=True)
    # The organisation's own privacy notice, linked from every pårørende link page; unset,
    # they link the app's page about what it keeps (``pages.privacy``).
    privacy_url: Mapped[str | None] = mapped_column(String(500))

    specialomraader: Mapped[list["Specialomraade"]] = relationship(
        back_populates="organisation", order_by="Specialomraade.name"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Specialomraade(db.Model):
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation] = relationship(back_populates="specialomraader")
    tilbud: Mapped[list["Tilbud"]] = relationship(
        back_populates="specialomraade", order_by="Tilbud.name"
    )

    def __repr__(self) -> str:
        return f"<Specialomraade {self.slug}>"


class Tilbud(db.Model):
    __table_args__ = (UniqueConstraint("specialomraade_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    specialomraade_id: Mapped[int] = mapped_column(ForeignKey("specialomraade.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Which kiosk questionnaire the tablets here show: "borger" (adults) or "unge".
    kiosk_variant: Mapped[str] = mapped_column(String(20), default="borger")
    active: Mapped[bool] = mapped_column(default=True)

    specialomraade: Mapped[Specialomraade] = relationship(back_populates="tilbud")

    @property
    def organisation_id(self) -> int:
        return self.specialomraade.organisation_id

    def __repr__(self) -> str:
        return f"<Tilbud {self.slug}>"
