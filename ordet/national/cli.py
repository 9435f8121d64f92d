"""``flask --app ordet create-national-round SLUG NAME --year 2025``."""

import click
from flask import current_app

from ..admin.errors import AdminError
from ..extensions import db
from .services import create_national_round


@click.command("create-national-round")
@click.argument("slug")
@click.argument("name")
@click.option("--year", type=int, required=True, help="The year of the national round.")
@click.option("--questionnaire", default="unge", show_default=True, help="Core questionnaire.")
@click.option("--version", "version", default=1, show_default=True, type=int)
def create_national_round_command(
    slug: str, name: str, year: int, questionnaire: str, version: int
) -> None:
    """A national round that organisations' rounds can join (the platform's own)."""
    # A request context for the Danish messages (the locale is chosen per request).
    with current_app.test_request_context():
        try:
            national = create_national_round(None, slug, name, year, questionnaire, version)
        except AdminError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{national.slug}: {national.name} ({national.year}), {questionnaire} v{version}")
