"""Build the results workbook for a round within a user's scope (web and CLI alike)."""

from datetime import UTC, date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import record_event
from ..auth.permissions import COMMENTS_READ, EXPORT_RAW, EXPORT_RESULTS
from ..auth.scope import Scope
from ..extensions import db
from ..results.aggregate import round_results
from ..results.pick import Refused, pick_round
from ..results.presentation import landsplan, visible_units
from ..results.queries import overview_rows
from ..results.releases import ensure_release
from ..rounds.models import Round
from . import raw, rows
from .overview import overview_sheet
from .rawcsv import write_legend_csv, write_raw_csv
from .rollout import rollout_sheet
from .writer import write_workbook


def export_round(
    slug: str,
    scope: Scope,
    out: Path,
    user_id: int | None,
    user_name: str,
    comments: bool = False,
    raw_data: bool = False,
) -> Round:
    """Write the workbook to ``out`` (atomically) and audit it. Raises ``Refused``."""
    round_ = pick_round(slug, scope, EXPORT_RESULTS)
    if comments and not scope.can(COMMENTS_READ):
        raise Refused(_l("Du har ikke adgang til kommentarer."), 403)
    if raw_data and not scope.can(EXPORT_RAW):
        raise Refused(_l("Du har ikke adgang til rådata."), 403)
    visible = list(db.session.scalars(scope.tilbud_ids(EXPORT_RESULTS)))
    all_results = results_of(round_, scope, EXPORT_RESULTS, with_views=True)
    first = all_results[0][0]
    participation = overview_rows(round_, select_ids(visible), scope, EXPORT_RESULTS)
    national = {results.variant: landsplan(results) for results, _views in all_results}
    sheets = [
        overview_sheet(
            round_,
            all_results,
            participation,
            user_name,
            first.threshold,
            datetime.now(UTC).replace(tzinfo=None),
            whole=scope.allows_organisation(round_.organisation_id, EXPORT_RESULTS),
        ),
        rollout_sheet(round_, first, visible),
        *[
            rows.results_sheet(results, views, national[results.variant])
            for results, views in all_results
        ],
        rows.themes_sheet(all_results, national),
        rows.charts_sheet(all_results),
        rows.questions_sheet(all_results),
    ]
    if comments:
        allowed = set(db.session.scalars(scope.tilbud_ids(COMMENTS_READ))) & set(visible)
        sheets.append(raw.comments_sheet(all_results, allowed))
    if raw_data:
        allowed = set(db.session.scalars(scope.tilbud_ids(EXPORT_RAW))) & set(visible)
        sheets += raw.raw_sheets(all_results, allowed, round_)
    write_workbook(out, sheets, f"Ordet er dit: {round_.name}", user_name)
    record_event(
        user_id,
        "export.results",
        f"round:{round_.slug}",
        {"comments": comments, "raw": raw_data, "tilbud": len(visible)},
        organisation_id=round_.organisation_id,
    )
    return round_


def export_raw_csv(
    slug: str, scope: Scope, data: Path, legend: Path | None, user_id: int | None
) -> tuple[Round, int]:
    """The raw data CSV (and, if asked, its legend CSV); audited. Raises ``Refused``."""
    if not scope.can(EXPORT_RAW):
        raise Refused(_l("Du har ikke adgang til rådata."), 403)
    round_ = pick_round(slug, scope, EXPORT_RAW)
    allowed = set(db.session.scalars(scope.tilbud_ids(EXPORT_RAW)))
    all_results = results_of(round_, scope, EXPORT_RAW, with_views=False)
    if legend is not None:
        write_legend_csv(legend, all_results, round_)
    try:
        written = write_raw_csv(data, all_results, allowed)
    except BaseException:
        if legend is not None:  # no legend left behind for data that was not written
            legend.unlink(missing_ok=True)
        raise
    record_event(
        user_id,
        "export.raw_csv",
        f"round:{round_.slug}",
        {"rows": written, "tilbud": len(allowed)},
        organisation_id=round_.organisation_id,
    )
    return round_, written


def export_raw_legend(slug: str, scope: Scope, path: Path) -> Round:
    """The raw data's legend: codes, columns, and which release the rows are."""
    if not scope.can(EXPORT_RAW):
        raise Refused(_l("Du har ikke adgang til rådata."), 403)
    round_ = pick_round(slug, scope, EXPORT_RAW)
    write_legend_csv(path, results_of(round_, scope, EXPORT_RAW, with_views=False), round_)
    return round_


def results_of(round_: Round, scope: Scope, permission: str, with_views: bool) -> list:
    """[(results, unit views or None)] per questionnaire of the round, each computed once, as
    its newest release shows them (a due release is published first)."""
    all_results = []
    for questionnaire in sorted(round_.questionnaires, key=lambda q: q.variant):
        ensure_release(round_, questionnaire.variant, date.today())
        results = round_results(round_, questionnaire.variant)
        if results is None:
            continue
        if with_views:
            units = visible_units(results, scope, permission)
            all_results.append((results, rows.views(results, units)))
        else:
            all_results.append((results, None))
    if not all_results:
        raise Refused(_l("Runden har ingen spørgeskemaer."), 404)
    return all_results


def select_ids(ids: list[int]):
    from ..org.models import Tilbud

    return select(Tilbud.id).where(Tilbud.id.in_(ids))
