"""``flask --app ordet export-national --round SLUG --out FILE.xlsx``: the national workbook."""

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from .models import NationalRound


@click.command("export-national")
@click.option("--round", "slug", required=True, help="The national round's slug.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx")
def export_national(slug: str, out: str) -> None:
    """Write the national workbook: the national figures, each institution and operator, and
    the rollout (exit 1 on an unknown round or a file that cannot be written)."""
    from .workbook import export_national as write

    path = Path(out)
    if not path.parent.is_dir():
        raise click.ClickException(f"Mappen findes ikke: {path.parent}")
    national_round = db.session.scalar(select(NationalRound).where(NationalRound.slug == slug))
    if national_round is None:
        slugs = db.session.scalars(select(NationalRound.slug).order_by(NationalRound.slug))
        known = ", ".join(slugs)
        raise click.ClickException(f"Landsrunden findes ikke: {slug} (findes: {known or 'ingen'})")
    try:
        # The status labels are lazily translated: they need a request for the language.
        with current_app.test_request_context():
            write(national_round, path, None, "kommandolinjen", date.today())
    except OSError as error:
        raise click.ClickException(f"Filen kan ikke skrives: {error}") from None
    db.session.commit()
    click.echo(f"Skrev {path}", file=sys.stdout)
