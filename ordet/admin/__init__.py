"""Staff pages under /staff that tie the rest together: home, overview, units, tablets,
rounds, users and the audit log."""

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/staff")


def init_admin(app: Flask) -> None:
    """Register the staff pages and the nav helper other staff templates use."""
    from ..auth.access import current_scope
    from . import (  # noqa: F401
        labels,
        views_audio,
        views_home,
        views_kiosks,
        views_org,
        views_rounds,
        views_users,
    )

    def staff_can_see(endpoint: str) -> bool:
        view = app.view_functions.get(endpoint)
        permission = getattr(view, "required_permission", None)
        return permission is not None and current_scope().can(permission)

    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        staff_can_see=staff_can_see,
        grant_label=labels.grant_label,
        status_label=labels.status_label,
        variant_name=labels.variant_name,
        limit_flag=labels.limit_flag,
        staff_clock=labels.staff_clock,
    )
    app.jinja_env.filters.update(
        staff_date=labels.staff_date,
        staff_datetime=labels.staff_datetime,
        staff_week=labels.staff_week,
    )
