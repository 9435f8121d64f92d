"""Every model in one import, for SQLAlchemy's metadata and Alembic's autogenerate."""

from .answering.models import Answer, Response
from .audit import AuditEvent
from .auth.models import Grant, User
from .invitations.models import Invitation, InvitationPlan, InvitationToken, InvitationUpload
from .kiosk.models import Device, EnrolmentCode
from .mail import OutboxMessage
from .org.models import Organisation, Specialomraade, Tilbud
from .rounds.models import Round, RoundQuestionnaire, RoundTilbud

__all__ = [
    "Answer",
    "AuditEvent",
    "Device",
    "EnrolmentCode",
    "Grant",
    "Invitation",
    "InvitationPlan",
    "InvitationToken",
    "InvitationUpload",
    "Organisation",
    "OutboxMessage",
    "Response",
    "Round",
    "RoundQuestionnaire",
    "RoundTilbud",
    "Specialomraade",
    "Tilbud",
    "User",
]
