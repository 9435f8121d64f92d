from datetime import date

from ordet.answering.models import Answer, Response
from ordet.auth.models import User
from ordet.extensions import db
from ordet.kiosk.models import Device, EnrolmentCode
from ordet.org.models import Specialomraade, Tilbud
from ordet.rounds.models import Round

SIKREDE = {
    "Sølager",
    "Sønderbro",
    "Bakkegården",
    "Stevnsfortet",
    "Egely",
    "Grenen",
    "Koglen",
    "Kompasset",
}


def counts() -> dict[str, int]:
    models = (Specialomraade, Tilbud, Round, Device, EnrolmentCode, User, Response, Answer)
    return {
        m.__name__: db.session.scalar(db.select(db.func.count()).select_from(m)) for m in models
    }


def test_seed_demo_creates_the_organisation_and_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed-demo", "--responses", "300"])
    assert first.exit_code == 0, first.output
    assert "Socialområdet i Region Midtjylland" in first.output
    assert "admin@demo.ordet.dk" in first.output
    seeded = counts()
    # Region Midtjylland's eight, and one for each of the five other operators' institutions.
    assert seeded["Specialomraade"] == 8 + 5
    # 300 of Region Midtjylland's, and the other operators' 37 for the national round.
    assert seeded["Response"] == 300 + 37 and seeded["Answer"] > 300 * 5
    assert seeded["Device"] == seeded["Tilbud"] >= 8 * 3
    names = set(db.session.scalars(db.select(Tilbud.name)))
    assert SIKREDE <= names
    assert all(name in SIKREDE or "(demo)" in name for name in names)

    second = runner.invoke(args=["seed-demo", "--responses", "300"])
    assert second.exit_code == 0, second.output
    assert counts() == seeded
    # The printed enrolment codes are the same, and they work.
    code_lines = [line for line in first.output.splitlines() if "Lærkehøj" in line]
    assert code_lines and code_lines == [
        line for line in second.output.splitlines() if "Lærkehøj" in line
    ]


def test_synthetic_responses_spread_over_three_rounds_and_include_partials(runner):
    runner.invoke(args=["seed-demo", "--responses", "400"])
    per_round = db.session.execute(
        db.select(Response.round_id, db.func.count())
        .join(Round, Round.id == Response.round_id)
        .where(Round.slug.like("ordet-er-dit-%"))
        .group_by(Response.round_id)
    ).all()
    assert len(per_round) == 3
    statuses = set(db.session.scalars(db.select(Response.status).distinct()))
    assert statuses == {"complete", "partial"}
    assert not db.session.scalar(
        db.select(db.func.count()).where(Response.draft_key_hash.is_not(None))
    )


def test_list_rounds_prints_one_round_a_line(runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["list-rounds"])
    lines = result.output.strip().splitlines()
    assert len(lines) == 3 + 4  # and the four operators' rounds of the national demo
    year = date.today().year
    current = next(line for line in lines if line.startswith(f"ordet-er-dit-{year}\t"))
    assert current.split("\t") == [
        f"ordet-er-dit-{year}",
        f"Ordet er dit {year}",
        f"{year}-01-01",
        f"{year}-12-31",
        "aaben",
    ]
    assert lines[0].endswith("lukket")


def test_close_drafts_keeps_answered_drafts_as_partial(runner, app):
    from datetime import timedelta

    from ordet.answering import services
    from ordet.questionnaires import latest

    from .factories import make_round, make_tilbud

    unit = make_tilbud()
    round_ = make_round([unit])
    borger = latest("borger")
    last_week = date.today() - timedelta(days=7)  # drafts carry weeks: closed after their week
    answered = services.start(round_, unit, borger, "kiosk", "da", "key-1", last_week)
    services.record(answered, borger, "tryg", "ja", last_week)
    services.start(round_, unit, borger, "kiosk", "da", "key-2", last_week)
    services.start(round_, unit, borger, "kiosk", "da", "key-3", date.today())
    db.session.commit()
    result = runner.invoke(args=["close-drafts"])
    assert "Closed 2 drafts" in result.output
    statuses = sorted(db.session.scalars(db.select(Response.status)))
    assert statuses == ["draft", "partial"]


def test_close_drafts_leaves_link_drafts_open_while_their_round_is(runner, app):
    from datetime import timedelta

    from ordet.answering import services
    from ordet.questionnaires import latest

    from .factories import make_round, make_tilbud

    unit = make_tilbud()
    open_round = make_round([unit])
    closed_round = make_round(
        [unit],
        opens_on=date.today() - timedelta(days=30),
        closes_on=date.today() - timedelta(days=1),
    )
    form = latest("paaroerende")
    last_week = date.today() - timedelta(days=7)
    for round_, key in ((open_round, "open"), (closed_round, "closed")):
        draft = services.start(round_, unit, form, "link", "da", key, last_week)
        services.record(draft, form, "samlet", "tilfreds", last_week)
    db.session.commit()
    assert "Closed 1 drafts" in runner.invoke(args=["close-drafts"]).output
    by_round = dict(db.session.execute(db.select(Response.round_id, Response.status)).all())
    assert by_round == {open_round.id: "draft", closed_round.id: "partial"}
