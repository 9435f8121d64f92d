"""An organisation's own recording of a question, kept in the database.

In the database rather than on disk: backups then hold the recordings too, and several app
servers see the same files without a shared folder. Recordings are small (2 MiB at most).
"""

from datetime import date

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db


class QuestionAudio(db.Model):
    """One recording: an organisation, a questionnaire version, a question and a language.

    Per version, because a recording reads one wording aloud: a new version may word the same
    key differently.
    """

    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "questionnaire", "questionnaire_version", "question_key", "language"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    questionnaire: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[int]
    question_key: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    # Taken from the file's first bytes, never from the name or the browser's claim.
    mimetype: Mapped[str] = mapped_column(String(20))
    size: Mapped[int]
    # SHA-256 of the bytes: the ETag, and part of the URL so a new recording gets a new URL.
    digest: Mapped[str] = mapped_column(String(64))
    uploaded_on: Mapped[date]
    # Loaded only when served: the staff list reads every row but never the bytes.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
