"""The demo is the first thing a buyer sees (issue 20, point 10): its figures must agree with
each other on every page, as `make run` loads them (2,000 responses)."""

import re
from datetime import date

from ordet.answering.models import COMPLETE, Response
from ordet.demo import DEMO_PASSWORD
from ordet.extensions import db
from ordet.invitations.models import Invitation
from ordet.kiosk.models import Device
from ordet.org.models import Tilbud

from .staff_helpers import login

PERCENT = re.compile(r"(\d+) %")


def test_the_demo_figures_agree_on_every_page(runner, client):
    seeded = runner.invoke(args=["seed-demo", "--responses", "2000"])
    assert seeded.exit_code == 0, seeded.output
    year = date.today().year

    # `make run` prints a code for every tilbud, and where more come from.
    tilbud = db.session.scalars(db.select(Tilbud.name)).all()
    assert all(f"  {name}" in seeded.output for name in tilbud)
    assert "seed-demo" in seeded.output and "/staff/tablets" in seeded.output

    # Nothing is answered after today.
    assert db.session.scalar(db.select(db.func.max(Response.answered_week))) <= date.today()

    login(client, "admin@demo.ordet.dk", DEMO_PASSWORD)
    overview = client.get("/staff/overblik").text
    rates = [int(n) for n in PERCENT.findall(overview)]
    assert rates and max(rates) <= 100, "a response rate over 100 % on Overblik"
    participation = client.get(f"/staff/resultater/ordet-er-dit-{year}/").text
    assert "Over 100" not in participation
    assert max(int(n) for n in PERCENT.findall(participation)) <= 100

    # The open round's results show figures, not "too few answers" for the whole organisation.
    results = client.get(f"/staff/resultater/ordet-er-dit-{year}/borger/").text
    assert "Besvarelser: For få svar" not in results
    assert "Andel positive" in results and "Af svarene på skalaen" in results

    # Pårørende answers came from invitations: invited on the pårørende page, in every area.
    pairs = db.session.execute(
        db.select(Response.round_id, Response.tilbud_id, db.func.count())
        .where(Response.channel == "link", Response.status == COMPLETE)
        .group_by(Response.round_id, Response.tilbud_id)
    ).all()
    assert pairs
    for round_id, tilbud_id, answered in pairs:
        invited, marked = db.session.execute(
            db.select(
                db.func.count(), db.func.sum(db.case((Invitation.answered, 1), else_=0))
            ).where(Invitation.round_id == round_id, Invitation.tilbud_id == tilbud_id)
        ).one()
        assert marked == answered < invited
    relatives = client.get("/staff/paaroerende/").text
    area_table = relatives.split("Specialområder</h2>")[1]
    assert area_table.count("<tr>") >= 1 + 8, "the Specialområder table is empty"

    # A tablet of a tilbud with kiosk answers knows when it last got one (the national demo's
    # Stevnsfortet and Kompasset have not started, so their tablets have none yet).
    answered = db.select(Response.tilbud_id).where(
        Response.channel == "kiosk", Response.status == COMPLETE
    )
    assert not db.session.scalar(
        db.select(db.func.count(Device.id)).where(
            Device.last_answer_week.is_(None), Device.tilbud_id.in_(answered)
        )
    )
    assert "Ingen svar endnu" not in client.get("/staff/tablets").text

    # Twice changes nothing.
    invitations = db.session.scalar(db.select(db.func.count(Invitation.id)))
    again = runner.invoke(args=["seed-demo", "--responses", "2000"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == invitations
