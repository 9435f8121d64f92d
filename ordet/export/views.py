"""The download links on the results pages: the workbook, and the raw data CSV for analysts."""

import os
import tempfile
from pathlib import Path

from flask import Blueprint, Response, request
from flask_login import current_user

from ..auth.access import current_scope, requires
from ..auth.permissions import EXPORT_RAW, EXPORT_RESULTS
from ..extensions import db
from ..results.pick import Refused
from ..results.views import refused
from .service import export_raw_csv, export_raw_legend, export_round

bp = Blueprint("export", __name__, url_prefix="/staff/eksport")
bp.register_error_handler(Refused, refused)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def temp_file(suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    handle.close()
    return Path(handle.name)


def send_once(path: Path, mimetype: str, name: str) -> Response:
    """Open, unlink, stream in blocks: nothing left on disk, the file never whole in memory."""
    handle = path.open("rb")
    size = os.fstat(handle.fileno()).st_size
    path.unlink(missing_ok=True)

    def blocks():
        with handle:  # closed when sent, or when the server closes an aborted download
            while block := handle.read(1 << 16):
                yield block

    response = Response(blocks(), mimetype=mimetype)
    response.call_on_close(handle.close)  # also when the body was never read
    response.headers["Content-Length"] = str(size)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    # Results, comments and raw data: never left in a browser's or a proxy's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<slug>.xlsx")
@requires(EXPORT_RESULTS)
def download(slug: str):
    """The results workbook; ``?kommentarer=1`` and ``?raadata=1`` add the optional sheets."""
    path = temp_file(".xlsx")
    try:
        round_ = export_round(
            slug,
            current_scope(),
            path,
            current_user.id,
            current_user.name or current_user.email,
            comments=request.args.get("kommentarer") == "1",
            raw_data=request.args.get("raadata") == "1",
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    db.session.commit()
    return send_once(path, XLSX, f"{round_.slug}.xlsx")


@bp.get("/<slug>/raadata.csv")
@requires(EXPORT_RAW)
def raw_csv(slug: str):
    """One row per finished response in groups the results show (analyst and admin only)."""
    path = temp_file(".csv")
    try:
        round_, _rows = export_raw_csv(slug, current_scope(), path, None, current_user.id)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    db.session.commit()
    return send_once(path, CSV, f"{round_.slug}-raadata.csv")


@bp.get("/<slug>/raadata-forklaring.csv")
@requires(EXPORT_RAW)
def raw_legend(slug: str):
    """What the raw data's codes and columns mean (no responses in it)."""
    path = temp_file(".csv")
    try:
        round_ = export_raw_legend(slug, current_scope(), path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    db.session.commit()  # a release published on the way
    return send_once(path, CSV, f"{round_.slug}-raadata-forklaring.csv")
