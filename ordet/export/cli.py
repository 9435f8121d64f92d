"""The export-results command's work: who the export is for, and clear failures.

``--out FILE.xlsx`` writes the workbook; ``--out FILE.csv`` writes the raw data CSV (the analyst
and admin roles only) and its legend beside it as ``FILE-forklaring.csv``.
"""

import sys
from pathlib import Path

import click
from flask import current_app

from ..auth.models import ADMIN
from ..auth.scope import Scope
from ..cli import round_option, user_option
from ..extensions import db
from ..results.pick import Refused
from .service import export_raw_csv, export_round


def run_export(slug: str, out: str, scope_email: str | None, comments: bool, raw: bool) -> None:
    path = Path(out)
    if not path.parent.is_dir():
        raise click.ClickException(f"Mappen findes ikke: {path.parent}")
    round_ = round_option(slug)
    if scope_email:
        user = user_option(scope_email)
        scope, name, user_id = Scope.of(user), user.name or user.email, user.id
    else:
        # From the command line (server access): the whole organisation, as its admin sees it.
        scope = Scope(((ADMIN, round_.organisation_id, None, None),))
        name, user_id = "kommandolinjen", None
    try:
        # Refusals carry lazily translated messages, which need a request for the language.
        with current_app.test_request_context():
            _export(slug, scope, path, user_id, name, comments, raw)
    except Refused as error:
        raise click.ClickException(str(error)) from None  # translated inside the context
    except OSError as error:
        raise click.ClickException(f"Filen kan ikke skrives: {error}") from None
    db.session.commit()
    click.echo(f"Skrev {path}", file=sys.stdout)


def _export(slug, scope, path: Path, user_id, name: str, comments: bool, raw: bool) -> None:
    if path.suffix.lower() == ".csv":
        legend = path.with_name(f"{path.stem}-forklaring.csv")
        _round, written = export_raw_csv(slug, scope, path, legend, user_id)
        click.echo(f"{written} besvarelser; koderne er forklaret i {legend}")
    else:
        export_round(slug, scope, path, user_id, name, comments, raw)
