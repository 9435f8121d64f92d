"""``flask create-user``: the first admin, the platform administrator (or any user) from the
command line."""

import click
from flask.cli import with_appcontext

from ..admin.errors import AdminError
from ..audit import record_event
from ..extensions import db
from .models import ADMIN, NATIONAL_ANALYST, ROLES, Grant, User
from .services import MIN_PASSWORD_LENGTH, normalise_email
from .users import SCOPE_KIND, organisation_of, resolve_scope


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), help="Needs --scope.")
@click.option(
    "--scope",
    "scope_value",
    help="organisation:SLUG, specialomraade:SLUG or tilbud:SLUG",
)
@click.option(
    "--platform-admin",
    is_flag=True,
    help="The platform administrator: creates organisations (--role/--scope optional).",
)
@click.option(
    "--national-analyst",
    is_flag=True,
    help="A national analyst: the national figures and the rollout (no --role/--scope).",
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
def create_user(
    email: str,
    role: str | None,
    scope_value: str | None,
    platform_admin: bool,
    national_analyst: bool,
    name: str,
    password: str,
) -> None:
    """Create a user with one role over one scope (or add the role to an existing user);
    ``--platform-admin`` makes the user the platform administrator."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"at least {MIN_PASSWORD_LENGTH} characters", param_hint="--password"
        )
    if (role is None) != (scope_value is None) or (
        role is None and not platform_admin and not national_analyst
    ):
        raise click.UsageError(
            "give --role and --scope together (or --platform-admin or --national-analyst alone)"
        )
    if national_analyst and role is not None:
        raise click.UsageError("--national-analyst takes no --role/--scope")
    if role is not None:
        try:
            kind, unit = resolve_scope(scope_value, by_slug=True)
        except AdminError:
            raise click.BadParameter(f"no such unit: {scope_value}", param_hint="--scope") from None
        if SCOPE_KIND[role] != kind:
            raise click.BadParameter(
                f"{role} needs a {SCOPE_KIND[role]} scope", param_hint="--scope"
            )
    email = normalise_email(email)
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, language="da")
        db.session.add(user)
    user.set_password(password)
    if platform_admin:
        user.platform_admin = True
        db.session.flush()
        record_event(None, "user.platform_admin_cli", f"user:{user.id}", organisation_id=None)
    if national_analyst:
        if not any(g.role == NATIONAL_ANALYST for g in user.grants):
            user.grants.append(Grant(role=NATIONAL_ANALYST, name=user.name))
        db.session.flush()
        record_event(
            None,
            "national.analyst_create_cli",
            f"user:{user.id}",
            {"role": NATIONAL_ANALYST},
            organisation_id=None,
        )
    if role is None:
        db.session.commit()
        click.echo(
            f"{email}: "
            + ", ".join(
                (["platform administrator"] if platform_admin else [])
                + (["national analyst"] if national_analyst else [])
            )
        )
        return
    user.grants.append(Grant(role=role, name=user.name, **{f"{kind}_id": unit.id}))
    db.session.flush()
    record_event(
        None,
        "user.create_cli",
        f"user:{user.id}",
        {"role": role, "scope": scope_value},
        organisation_id=organisation_of(kind, unit),
    )
    db.session.commit()
    click.echo(
        f"{email}: {role} over {kind} {unit.slug}"
        + (" (admin)" if role == ADMIN else "")
        + (", platform administrator" if platform_admin else "")
    )
