"""Flask commands for releases: publish the due ones, and audit what was published."""

import sys
from datetime import date

import click

from ..extensions import db
from ..weeks import week_label
from .linked import GROUPS


@click.command("publish-results")
def publish_results() -> None:
    """Publish every release that is due today (run daily, e.g. from cron)."""
    from ..national.releases import publish_due_national
    from .releases import publish_due

    published = publish_due(date.today())
    national = publish_due_national(date.today())
    db.session.commit()
    for release in published:
        click.echo(
            f"{release.round_id}/{release.questionnaire}: udgivelse {release.number} "
            f"til og med {week_label(release.through_week)}"
            + (" (endelig)" if release.final else "")
        )
    click.echo(f"{len(published)} udgivelser.")
    for release in national:
        click.echo(f"Landsplan {release.national_round_id}: udgivelse {release.number}")


@click.command("audit-disclosure")
@click.option("--round", "slug", default=None, help="The round's slug (see list-rounds).")
@click.option("--national", "national_slug", default=None, help="A national round's slug.")
@click.option("--as", "email", default=None, help="Audit what this user can reach.")
def audit_disclosure(slug: str | None, national_slug: str | None, email: str | None) -> None:
    """Play the attacker over every release of a round (or of a national round: as the
    national analyst and as each operator's staff); exit 1 on a disclosed group."""
    if (slug is None) == (national_slug is None):
        raise click.UsageError("Angiv enten --round eller --national.")
    if national_slug is not None:
        _audit_national(national_slug)
        return
    from ..auth.scope import Scope
    from ..cli import round_option, user_option
    from .attack import audit_round, organisation_scopes

    round_ = round_option(slug)
    if email:
        scopes, who = [Scope.of(user_option(email))], email
    else:
        scopes = organisation_scopes(round_.organisation_id)
        who = f"alle {len(scopes)} brugere i organisationen tilsammen"
    click.echo(f"Runde {round_.slug}, set af {who}; grupper: alle, {', '.join(GROUPS)}.")
    audits = audit_round(round_, scopes)
    _report(
        [
            (
                f"{a.variant}/{a.part}: {a.releases} udgivelser (til og med "
                f"{week_label(a.last_week)}), {a.report.shown} viste celler, "
                f"{a.report.unknowns} ukendte i {a.report.components} komponenter, "
                f"{a.report.determined} eksakt bestemte, {a.report.programs} lineære programmer",
                a.report,
                a.table,
            )
            for a in audits
        ],
        "Ingen udgivelser endnu: intet er vist.",
    )


def _audit_national(slug: str) -> None:
    from ..national.attack import audit_national
    from ..national.models import NationalRound

    national_round = db.session.scalar(db.select(NationalRound).where(NationalRound.slug == slug))
    if national_round is None:
        raise click.ClickException(f"Landsrunden findes ikke: {slug}")
    audits = audit_national(national_round)
    click.echo(f"Landsrunde {slug}: set af landsanalytikeren og af hver driftsherres brugere.")
    _report(
        [
            (
                f"{a.part}, {a.who}: {a.report.shown} viste celler, {a.report.unknowns} ukendte, "
                f"{a.report.determined} eksakt bestemte, {a.report.programs} lineære programmer",
                a.report,
                a.table,
            )
            for a in audits
        ],
        "Ingen landsudgivelser endnu: intet er vist.",
    )


def _report(lines: list[tuple[str, object, object]], nothing: str) -> None:
    """One line per audited pattern and its findings; exit 1 if anything was found."""
    failed = False
    for line, report, table in lines:
        click.echo(f"  {line}")
        for finding in report.findings:
            failed = True
            click.echo(f"    AFSLØRET: {finding.explain(table)}")
    if not lines:
        click.echo(f"  {nothing}")
    if failed:
        click.echo("Revisionen fandt grupper under grænsen, der kan udledes.", err=True)
        sys.exit(1)
    click.echo("Ingen gruppe under grænsen kan udledes eller afgrænses under grænsen.")
