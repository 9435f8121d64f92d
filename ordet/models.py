"""Every model in one import, for SQLAlchemy's metadata and Alembic's autogenerate."""

from .answering.models import Answer, Response
from .audit import AuditEvent
from .auth.models import Grant, User
from .kiosk.models import Device, EnrolmentCode
from .mail import OutboxMessage
from .org.models import Organisation, Specialomraade, Tilbud
from .results.models import CommentRedaction, ResultCount
from .rounds.models import Round, RoundQuestionnaire, RoundTilbud

__all__ = [
    "Answer",
    "AuditEvent",
    "CommentRedaction",
    "Device",
    "EnrolmentCode",
    "Grant",
    "Organisation",
    "OutboxMessage",
    "Response",
    "ResultCount",
    "Round",
    "RoundQuestionnaire",
    "RoundTilbud",
    "Specialomraade",
    "Tilbud",
    "User",
]
