"""``flask create-organisation SLUG NAME``: the platform administrator's command."""

import click

from ..extensions import db
from .errors import AdminError
from .org_services import create_organisation as create


@click.command("create-organisation")
@click.argument("slug")
@click.argument("name")
def create_organisation(slug: str, name: str) -> None:
    """Create an organisation; then `create-user EMAIL --role admin --scope organisation:SLUG`
    gives it its first admin."""
    try:
        organisation = create(None, name, slug=slug)
    except AdminError as error:
        db.session.rollback()
        raise click.BadParameter(str(error.message), param_hint=error.field) from None
    db.session.commit()
    click.echo(f"{organisation.slug}: {organisation.name}")
