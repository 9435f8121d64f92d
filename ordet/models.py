"""Every model in one import, for SQLAlchemy's metadata and Alembic's autogenerate."""

from .answering.models import Answer, Response
from .audit import AuditEvent
from .auth.models import Grant, PasswordToken, User
from .auth.sso.models import SsoConfig, SsoUsed
from .invitations.models import (
    Invitation,
    InvitationPlan,
    InvitationTally,
    InvitationToken,
    InvitationUpload,
)
from .kiosk.models import Device, EnrolmentCode
from .kiosk.pin import DeviceSetting, KioskPin
from .mail import OutboxMessage
from .national.models import (
    Institution,
    NationalRelease,
    NationalReleaseCount,
    NationalReleaseTotal,
    NationalRound,
)
from .offline.models import OfflineKept, OfflineReceipt
from .org.models import Organisation, Specialomraade, Tilbud
from .read_aloud.models import QuestionAudio
from .results.models import CommentRedaction, ResultCount
from .rounds.models import Round, RoundQuestionnaire, RoundTilbud

__all__ = [
    "Answer",
    "AuditEvent",
    "CommentRedaction",
    "Device",
    "DeviceSetting",
    "EnrolmentCode",
    "Grant",
    "OfflineKept",
    "OfflineReceipt",
    "Institution",
    "Invitation",
    "InvitationPlan",
    "InvitationTally",
    "InvitationToken",
    "InvitationUpload",
    "KioskPin",
    "NationalRelease",
    "NationalReleaseCount",
    "NationalReleaseTotal",
    "NationalRound",
    "Organisation",
    "OutboxMessage",
    "PasswordToken",
    "QuestionAudio",
    "Response",
    "ResultCount",
    "Round",
    "RoundQuestionnaire",
    "RoundTilbud",
    "Specialomraade",
    "SsoConfig",
    "SsoUsed",
    "Tilbud",
    "User",
]
