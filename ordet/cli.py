"""Flask commands. Each parses its options, calls a service and commits."""

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .extensions import db


def register_commands(app: Flask) -> None:
    from .admin.cli import create_organisation
    from .auth.cli import create_user
    from .auth.sso.cli import sso_sp_key
    from .invitations.commands import purge, send_mail
    from .national.cli import create_national_round_command
    from .national.commands import export_national
    from .results.commands import audit_disclosure, publish_results

    for command in (
        seed_demo,
        list_rounds,
        close_drafts,
        create_user,
        create_organisation,
        create_national_round_command,
        send_mail,
        purge,
        recount,
        export_results,
        export_national,
        publish_results,
        audit_disclosure,
        sso_sp_key,
    ):
        # The `flask` command pushes an app context, but a CliRunner on app.cli does not:
        # each command brings its own, so it runs the same from a script, a bench or a shell.
        if not getattr(command.callback, "in_app_context", False):
            command.callback = with_appcontext(command.callback)
            command.callback.in_app_context = True
        app.cli.add_command(command)


def round_option(slug: str):
    """The round a command's --round names, or a clear refusal."""
    from .rounds.queries import round_by_slug

    round_ = round_by_slug(slug)
    if round_ is None:
        raise click.ClickException(f"Runden findes ikke: {slug} (se flask --app ordet list-rounds)")
    return round_


def user_option(email: str):
    """The staff user a command's e-mail option names, or a clear refusal."""
    from .auth.models import User

    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        raise click.ClickException(f"Ingen bruger med e-mail {email}")
    return user


@click.command("seed-demo")
@click.option("--responses", default=0, show_default=True, help="Synthetic responses to add.")
def seed_demo(responses: int) -> None:
    """Load the demo organisation, rounds, kiosks and logins (idempotent)."""
    from . import demo

    summary = demo.seed(current_app.config["SECRET_KEY"], date.today(), responses)
    db.session.commit()
    click.echo(f"Demo: {summary.organisation.name}, open round {summary.current_round.slug}.")
    if summary.responses_added:
        click.echo(f"Added {summary.responses_added} synthetic responses.")
    click.echo(
        f"Kiosk enrolment codes, one for each of the {len(summary.enrolment_codes)} tilbud"
        " (type one at /kiosk/tilmeld on the tablet; each enrols one tablet):"
    )
    for name, code in summary.enrolment_codes.items():
        click.echo(f"  {code}  {name}")
    click.echo(
        "  A used code is replaced by a new one the next time `flask --app ordet seed-demo`"
        " runs (it prints them all again); staff also make codes under Tablets (/staff/tablets)."
    )
    click.echo(f"Staff logins (password: {demo.DEMO_PASSWORD}):")
    for role, email in summary.users:
        click.echo(f"  {role:<12} {email}")


@click.command("list-rounds")
def list_rounds() -> None:
    """One round a line: slug, name, dates, status."""
    from .rounds.queries import all_rounds

    today = date.today()
    for round_ in all_rounds():
        click.echo(
            f"{round_.slug}\t{round_.name}\t{round_.opens_on.isoformat()}"
            f"\t{round_.closes_on.isoformat()}\t{round_.status(today)}"
        )


@click.command("close-drafts")
def close_drafts() -> None:
    """Close drafts left before this week (a tablet switched off mid-way) as partial."""
    from .answering.services import close_stale_drafts

    closed = close_stale_drafts(date.today())
    db.session.commit()
    click.echo(f"Closed {closed} drafts.")


@click.command("recount")
def recount() -> None:
    """Rebuild the result counts from the raw answers (reconciliation)."""
    from .results.counts import recount as rebuild

    rows = rebuild()
    db.session.commit()
    click.echo(f"Recounted: {rows} count rows.")


@click.command("export-results")
@click.option("--round", "slug", required=True, help="The round's slug (see list-rounds).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx")
@click.option(
    "--scope",
    "scope_email",
    default=None,
    help="Export as this staff user (their scope); default: the whole organisation.",
)
@click.option("--comments", is_flag=True, help="Include the comments sheet.")
@click.option("--raw", "raw_data", is_flag=True, help="Include the raw-data sheets.")
def export_results(slug: str, out: str, scope_email, comments: bool, raw_data: bool) -> None:
    """Write the results workbook for a round."""
    from .export.cli import run_export

    run_export(slug, out, scope_email, comments, raw_data)
