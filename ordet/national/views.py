"""The national results pages under /staff/landsplan: the national analyst's and the platform
administrator's. Thin: find the round, publish a due national release, compute, render."""

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import requires
from ..auth.permissions import NATIONAL_READ
from ..export.views import XLSX, send_once, temp_file
from ..extensions import db
from ..results.pick import Refused
from ..results.units import ORGANISATION
from ..results.views import refused
from .figures import core_questionnaire, national_results
from .models import NationalRound
from .presentation import all_columns, national_view
from .releases import ensure_national_release
from .workbook import export_national

bp = Blueprint("national", __name__, url_prefix="/staff/landsplan")
bp.register_error_handler(Refused, refused)

ROLLOUT_PATH = "/staff/landsplan/udrulning"


def national_round_by_slug(slug: str) -> NationalRound:
    """The national round, or a clear refusal (404)."""
    found = db.session.scalar(select(NationalRound).where(NationalRound.slug == slug))
    if found is None:
        raise Refused(_l("Landsrunden findes ikke. Vælg en fra listen."), 404)
    return found


@bp.get("/")
@requires(NATIONAL_READ)
def index():
    rounds = db.session.scalars(
        select(NationalRound).order_by(NationalRound.year.desc(), NationalRound.name)
    ).all()
    rollout = any(rule.rule == ROLLOUT_PATH for rule in current_app.url_map.iter_rules())
    return render_template("national/index.html", rounds=rounds, rollout=rollout)


@bp.get("/<national_slug>/")
@requires(NATIONAL_READ)
def round_page(national_slug: str):
    """Nationally and per operator; one operator's institutions when ``?operatoer=`` picks it
    (every institution at once is the workbook's: a page stays quick at 2,400 of them)."""
    national_round = national_round_by_slug(national_slug)
    operator = _operator_id(request.args.get("operatoer"))
    theme = request.args.get("tema") or None
    questionnaire = core_questionnaire(national_round)
    if theme is not None and theme not in {q.theme for q in questionnaire.questions if q.has_scale}:
        raise Refused(_l("Det tema findes ikke i spørgeskemaet."))
    ensure_national_release(national_round, date.today())
    results = national_results(national_round, operators=() if operator is None else {operator})
    db.session.commit()  # a national release published on the way
    if operator is not None and (ORGANISATION, operator) not in results.tree.units:
        raise Refused(_l("Den driftsherre deltager ikke i landsrunden."), 404)
    return render_template(
        "national/round.html",
        national_round=national_round,
        results=results,
        view=national_view(results, theme),
        summary=all_columns(results),
        operator=None if operator is None else results.tree.units[ORGANISATION, operator],
    )


def _operator_id(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > 2**31 - 1:
        raise Refused(_l("Den driftsherre deltager ikke i landsrunden."), 404)
    return int(raw)


@bp.get("/<national_slug>/landsplan.xlsx")
@requires(NATIONAL_READ)
def download(national_slug: str):
    """The national workbook (no-store, audited)."""
    national_round = national_round_by_slug(national_slug)
    path = temp_file(".xlsx")
    try:
        export_national(
            national_round,
            path,
            current_user.id,
            current_user.name or current_user.email,
            date.today(),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    db.session.commit()
    return send_once(path, XLSX, f"landsplan-{national_round.slug}.xlsx")
