"""``flask sso-sp-key``: put an organisation's own SP key and certificate in place (PEM)."""

from pathlib import Path

import click
from flask import current_app

from ...admin.errors import AdminError
from ...extensions import db
from ...org.models import Organisation
from .settings import import_sp_key


@click.command("sso-sp-key")
@click.argument("organisation_slug")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--cert", "cert_file", type=click.Path(exists=True, dir_okay=False), required=True)
def sso_sp_key(organisation_slug: str, key_file: str, cert_file: str) -> None:
    """Use this key (unencrypted PEM) and certificate to sign SAML requests and decrypt
    assertions, e.g. an OCES3 system certificate. Send the new SP metadata to the IdP."""
    organisation = db.session.scalar(
        db.select(Organisation).where(Organisation.slug == organisation_slug)
    )
    if organisation is None:
        raise click.BadParameter(f"no such organisation: {organisation_slug}")
    # A request context for the language of the (Danish) messages: the app's locale
    # selector reads the request.
    with current_app.test_request_context():
        try:
            import_sp_key(
                None, organisation, Path(key_file).read_text(), Path(cert_file).read_text()
            )
        except AdminError as error:
            raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{organisation_slug}: SP key and certificate replaced; send the new metadata.")
