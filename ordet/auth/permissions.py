"""Roles and what each may do. Scope (which units) is separate: see ``scope.py``."""

from .models import ADMIN, ANALYST, AREA_LEAD, NATIONAL_ANALYST, TILBUD_LEAD

RESULTS_READ = "results.read"
COMMENTS_READ = "comments.read"
EXPORT_RESULTS = "export.results"
EXPORT_RAW = "export.raw"
DEVICES_MANAGE = "devices.manage"
INVITATIONS_MANAGE = "invitations.manage"
ROUNDS_MANAGE = "rounds.manage"
ORG_MANAGE = "org.manage"
USERS_MANAGE = "users.manage"
AUDIT_READ = "audit.read"
# Upload and delete the organisation's recorded read-aloud audio.
AUDIO_MANAGE = "audio.manage"
# Every staff role: the staff home page and one's own account.
STAFF_HOME = "staff.home"
# Create organisations: the platform administrator only (``User.platform_admin``), no role.
ORG_CREATE = "org.create"
# The national figures (core questions, every institution and operator) and the rollout.
NATIONAL_READ = "national.read"
# National rounds, the rollout's institutions and national analysts: the platform admin only.
NATIONAL_MANAGE = "national.manage"
# What ``User.platform_admin`` gives, grants or not: nothing inside any organisation.
PLATFORM_PERMISSIONS = frozenset({STAFF_HOME, ORG_CREATE, NATIONAL_READ, NATIONAL_MANAGE})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    ADMIN: frozenset(
        {
            STAFF_HOME,
            RESULTS_READ,
            COMMENTS_READ,
            EXPORT_RESULTS,
            EXPORT_RAW,
            DEVICES_MANAGE,
            INVITATIONS_MANAGE,
            ROUNDS_MANAGE,
            ORG_MANAGE,
            USERS_MANAGE,
            AUDIT_READ,
            AUDIO_MANAGE,
        }
    ),
    ANALYST: frozenset({STAFF_HOME, RESULTS_READ, COMMENTS_READ, EXPORT_RESULTS, EXPORT_RAW}),
    AREA_LEAD: frozenset(
        {STAFF_HOME, RESULTS_READ, EXPORT_RESULTS, DEVICES_MANAGE, INVITATIONS_MANAGE}
    ),
    TILBUD_LEAD: frozenset(
        {STAFF_HOME, RESULTS_READ, EXPORT_RESULTS, DEVICES_MANAGE, INVITATIONS_MANAGE}
    ),
    NATIONAL_ANALYST: frozenset({STAFF_HOME, NATIONAL_READ}),
}


def permissions_of(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())
