"""Every model in one import, for SQLAlchemy's metadata and Alembic's autogenerate."""

from .answering.models import Answer, Response
from .auth.models import Grant, User
from .kiosk.models import Device, EnrolmentCode
from .org.models import Organisation, Specialomraade, Tilbud
from .rounds.models import Round, RoundQuestionnaire, RoundTilbud

__all__ = [
    "Answer",
    "Device",
    "EnrolmentCode",
    "Grant",
    "Organisation",
    "Response",
    "Round",
    "RoundQuestionnaire",
    "RoundTilbud",
    "Specialomraade",
    "Tilbud",
    "User",
]
