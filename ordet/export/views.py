"""The download button on the results pages."""

import io
import tempfile
from pathlib import Path

from flask import Blueprint, request, send_file
from flask_login import current_user

from ..auth.access import current_scope, requires
from ..auth.permissions import EXPORT_RESULTS
from ..extensions import db
from ..results.pick import Refused
from ..results.views import refused
from .service import export_round

bp = Blueprint("export", __name__, url_prefix="/staff/eksport")
bp.register_error_handler(Refused, refused)


@bp.get("/<slug>.xlsx")
@requires(EXPORT_RESULTS)
def download(slug: str):
    """The results workbook; ``?kommentarer=1`` and ``?raadata=1`` add the optional sheets."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)

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
    except Refused:
        path.unlink(missing_ok=True)
        raise
    db.session.commit()
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"{round_.slug}.xlsx",
    )
