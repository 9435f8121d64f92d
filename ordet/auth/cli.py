"""``flask create-user``: the first admin (or any user) from the command line."""

import click
from flask.cli import with_appcontext

from ..admin.errors import AdminError
from ..audit import record_event
from ..extensions import db
from .models import ADMIN, ROLES, Grant, User
from .services import MIN_PASSWORD_LENGTH, normalise_email
from .users import SCOPE_KIND, organisation_of, resolve_scope


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--scope",
    "scope_value",
    required=True,
    help="organisation:SLUG, specialomraade:SLUG or tilbud:SLUG",
)
@click.option("--name", default="", help="The user's name.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given (never echoed).",
)
@with_appcontext
def create_user(email: str, role: str, scope_value: str, name: str, password: str) -> None:
    """Create a user with one role over one scope (or add the role to an existing user)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"at least {MIN_PASSWORD_LENGTH} characters", param_hint="--password"
        )
    try:
        kind, unit = resolve_scope(scope_value, by_slug=True)
    except AdminError:
        raise click.BadParameter(f"no such unit: {scope_value}", param_hint="--scope") from None
    if SCOPE_KIND[role] != kind:
        raise click.BadParameter(f"{role} needs a {SCOPE_KIND[role]} scope", param_hint="--scope")
    email = normalise_email(email)
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, language="da")
        db.session.add(user)
    user.set_password(password)
    user.grants.append(Grant(role=role, **{f"{kind}_id": unit.id}))
    db.session.flush()
    record_event(
        None,
        "user.create_cli",
        f"user:{user.id}",
        {"role": role, "scope": scope_value},
        organisation_id=organisation_of(kind, unit),
    )
    db.session.commit()
    click.echo(f"{email}: {role} over {kind} {unit.slug}" + (" (admin)" if role == ADMIN else ""))
