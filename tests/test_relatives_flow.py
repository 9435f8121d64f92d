"""The link flow as relatives meet it (issue 24): mail over real SMTP, then the links.

A relative starts on the phone, is interrupted and comes back days later, usually through the
newest reminder; the answer in progress must be there, and be counted once.
"""

from datetime import date, timedelta

from sqlalchemy import func

from ordet.answering.models import Answer, Response
from ordet.answering.services import close_stale_drafts
from ordet.extensions import db
from ordet.invitations.services import ReminderReport, queue_due_reminders, save_plan
from ordet.results.models import RESPONSES_KEY, ResultCount

from . import invitation_helpers as h
from .factories import csrf_from
from .mailserver import smtp  # noqa: F401  (fixture)
from .test_invitations_flow import other_client, pilot, send  # noqa: F401  (fixture)

QUESTIONS = 12  # the pårørende questionnaire


def remind(client, runner, round_, tilbud, first: date, second: date) -> None:
    """Staff plan two reminders; each runs on its day and its mail goes out."""
    assert h.set_contact(client, round_, tilbud, first.isoformat(), second.isoformat()).status_code
    for day in (first, second):
        queue_due_reminders(day)
        db.session.commit()
        send(runner)


def responses_counted(round_) -> int:
    """Responses in the result counts (what every results page and export is built from)."""
    db.session.expire_all()
    return db.session.scalar(
        db.select(func.coalesce(func.sum(ResultCount.count), 0)).where(
            ResultCount.round_id == round_.id, ResultCount.question_key == RESPONSES_KEY
        )
    )


def close_round(round_) -> None:
    """The round ends; the nightly job closes what nobody finished (a week later)."""
    round_ = db.session.merge(round_)
    round_.closes_on = date.today()
    db.session.commit()
    close_stale_drafts(date.today() + timedelta(days=8))
    db.session.commit()


def test_a_started_answer_is_resumed_through_the_second_reminders_link(
    app,
    client,
    runner,
    smtp,  # noqa: F811
    pilot,  # noqa: F811
):
    tilbud, round_ = pilot
    send(runner)
    # Anna opens the invitation on her phone, answers five questions and is interrupted.
    invitation_path, _ = h.links_in(smtp.collector.to("anna@example.dk")[0])
    phone = other_client(app)
    h.answer_by_link(phone, invitation_path, stop_after=5)
    # Two reminders go out; days later she opens the newest mail on her PC.
    first, second = date.today() + timedelta(days=1), date.today() + timedelta(days=2)
    remind(client, runner, round_, tilbud, first, second)
    mails = smtp.collector.to("anna@example.dk")
    assert len(mails) == 3 and "Påmindelse" in mails[-1]["Subject"]
    reminder_path, _ = h.links_in(mails[-1])
    assert reminder_path != invitation_path  # every mail has a link of its own
    pc = other_client(app)
    page = pc.get("/" + reminder_path)
    assert "Fortsæt, hvor du slap" in page.text and ">Start<" not in page.text
    resumed = pc.post("/" + reminder_path, data={"csrf_token": csrf_from(page.text)})
    assert pc.get(resumed.location).location.endswith("/svar/6")
    # Question 1 still holds what she chose on the phone.
    assert "checked" in pc.get("/svar/1").text
    assert h.answer_by_link(pc, reminder_path).endswith("/svar/tak")

    db.session.expire_all()
    [response] = db.session.scalars(db.select(Response)).all()
    assert response.status == "complete" and response.draft_key_hash is None
    assert db.session.scalar(db.select(func.count(Answer.id))) == QUESTIONS
    # Her older links are spent with the answer: no second answer through them.
    assert other_client(app).get("/" + invitation_path).status_code == 404


def test_the_counts_after_round_close_hold_one_response_per_relative(
    app,
    client,
    runner,
    smtp,  # noqa: F811
    pilot,  # noqa: F811
):
    tilbud, round_ = pilot
    send(runner)
    links = {who: h.links_in(smtp.collector.to(f"{who}@example.dk")[0])[0] for who in PEOPLE}
    # Anna starts on the invitation's link, Bo on his; both stop half-way.
    h.answer_by_link(other_client(app), links["anna"], stop_after=5)
    h.answer_by_link(other_client(app), links["bo"], stop_after=3)
    first, second = date.today() + timedelta(days=1), date.today() + timedelta(days=2)
    remind(client, runner, round_, tilbud, first, second)
    # Anna finishes through the first reminder, Bo through the second; Carl answers at once
    # on the invitation; Dorte never opens any mail.
    anna_reminder = h.links_in(smtp.collector.to("anna@example.dk")[1])[0]
    bo_reminder = h.links_in(smtp.collector.to("bo@example.dk")[2])[0]
    for path in (anna_reminder, bo_reminder, links["carl"]):
        assert h.answer_by_link(other_client(app), path).endswith("/svar/tak")
    # A third relative, Dorte, is not counted; the three who answered are, once each.
    close_round(round_)
    assert responses_counted(round_) == 3
    statuses = db.session.scalars(db.select(Response.status)).all()
    assert sorted(statuses) == ["complete"] * 3


def test_one_link_begun_then_another_before_any_answer(app, runner, smtp, pilot):  # noqa: F811
    """Pressing Start on one mail's link and then on another's opens the same answer."""
    send(runner)
    path, _ = h.links_in(smtp.collector.to("anna@example.dk")[0])
    phone = other_client(app)
    page = phone.get("/" + path)
    started = phone.post("/" + path, data={"csrf_token": csrf_from(page.text), "lang": "da"})
    # Straight to the first question: the link's start page was the introduction.
    assert started.location.endswith("/svar/1")
    page = other_client(app).get("/" + path)
    assert "Fortsæt, hvor du slap" in page.text
    db.session.expire_all()
    assert db.session.scalar(db.select(func.count(Response.id))) == 1


PEOPLE = ("anna", "bo", "carl", "dorte")


class _Day(date):
    """``date`` whose today is ``_Day.now``: the import stamps the day staff import on."""

    now = date.today()

    @classmethod
    def today(cls):
        return cls.now


def test_a_late_import_gets_the_next_due_reminder(
    app,
    client,
    runner,
    smtp,  # noqa: F811
    pilot,  # noqa: F811
    monkeypatch,
):
    # As in the report: reminders planned for 25 Nov and 14 Dec, a late list imported 29 Nov.
    tilbud, round_ = pilot
    day0 = date.today()
    first, second = day0 + timedelta(days=1), day0 + timedelta(days=16)
    assert h.set_contact(client, round_, tilbud, first.isoformat(), second.isoformat()).status_code
    send(runner)
    assert queue_due_reminders(first).first == 4
    db.session.commit()
    send(runner)

    import ordet.invitations.upload_views as upload_views

    _Day.now = day0 + timedelta(days=5)
    monkeypatch.setattr(upload_views, "date", _Day)
    late = [("eva@example.dk", "Eva Holm", "Datter", "ja")]
    preview = h.upload(client, round_, tilbud, h.xlsx(late))
    assert h.import_preview(client, round_, tilbud, preview.text).status_code == 302
    monkeypatch.undo()
    send(runner)
    assert len(smtp.collector.to("eva@example.dk")) == 1

    # The day after her invitation: the first reminder's date has passed, nothing goes to her.
    assert queue_due_reminders(day0 + timedelta(days=6)) == ReminderReport(0, 0)
    db.session.commit()
    # The second reminder's day: the four and Eva, one mail each.
    report = queue_due_reminders(second)
    db.session.commit()
    assert (report.first, report.second) == (0, 5)
    send(runner)
    evas = smtp.collector.to("eva@example.dk")
    assert len(evas) == 2 and "Påmindelse" in evas[-1]["Subject"]
    # And never again.
    assert queue_due_reminders(second + timedelta(days=6)) == ReminderReport(0, 0)
    # Her reminder's link opens her questionnaire.
    assert h.answer_by_link(other_client(app), h.links_in(evas[-1])[0]).endswith("/svar/tak")


def test_a_late_run_sends_one_reminder_not_two(app, client, runner, smtp, pilot):  # noqa: F811
    """``send-mail`` was down over both reminder dates: one mail each when it is back."""
    tilbud, round_ = pilot
    first, second = date.today() + timedelta(days=1), date.today() + timedelta(days=8)
    h.set_contact(client, round_, tilbud, first.isoformat(), second.isoformat())
    send(runner)
    assert queue_due_reminders(second + timedelta(days=1)) == ReminderReport(0, 4)
    db.session.commit()
    send(runner)
    assert [len(smtp.collector.to(f"{who}@example.dk")) for who in PEOPLE] == [2, 2, 2, 2]


def test_the_plan_refuses_a_reminder_date_in_the_past(app, client, pilot):  # noqa: F811
    tilbud, round_ = pilot
    yesterday = date.today() - timedelta(days=1)
    refused = h.set_contact(client, round_, tilbud, first=yesterday.isoformat())
    assert refused.status_code == 400
    assert "En påmindelse kan ikke ligge før i dag" in refused.text
    db.session.expire_all()
    from ordet.invitations.services import plan_for

    assert plan_for(round_.id, tilbud.id).first_reminder_on is None  # nothing changed
    # A date that has passed since it was chosen (its reminder has run) may stay as it was,
    # so the contact can still be changed; the page says that nobody new gets a reminder.
    round_, tilbud = db.session.merge(round_), db.session.merge(tilbud)
    save_plan(round_, tilbud, "Lea", yesterday, None, yesterday - timedelta(days=3))
    db.session.commit()
    kept = h.set_contact(client, round_, tilbud, first=yesterday.isoformat())
    assert kept.status_code == 302
    page = client.get(h.tilbud_url(round_, tilbud))
    assert "Pårørende, du inviterer nu, får ingen påmindelse" in page.text


def test_the_invitation_key_joins_no_complete_answer(app, runner, smtp, pilot):  # noqa: F811
    """The attack: someone with the database *and* the app's secret computes every
    invitation's draft key and looks for it among the responses. While an answer is in
    progress it is found (that is how the links find it); once sent, it is not."""
    from ordet.invitations.link_drafts import draft_key
    from ordet.invitations.models import Invitation
    from ordet.security import hash_secret

    send(runner)
    path, _ = h.links_in(smtp.collector.to("anna@example.dk")[0])
    h.answer_by_link(other_client(app), path, stop_after=2)

    def joined() -> set[str]:
        db.session.expire_all()
        keys = {
            hash_secret(draft_key(app.config["SECRET_KEY"], i.id)): i.email
            for i in db.session.scalars(db.select(Invitation))
        }
        hashes = db.session.scalars(db.select(Response.draft_key_hash)).all()
        return {keys[k] for k in hashes if k in keys}

    assert joined() == {"anna@example.dk"}
    h.answer_by_link(other_client(app), path)
    assert joined() == set()
    [response] = db.session.scalars(db.select(Response)).all()
    assert response.status == "complete" and response.draft_key_hash is None


def test_a_draft_begun_under_the_old_link_key_is_carried_over(app, runner, smtp, pilot):  # noqa: F811
    """Drafts begun before the key came from the invitation are found, and moved to it."""
    from ordet.answering import services as answering
    from ordet.answering.models import LINK
    from ordet.invitations.link_drafts import _link_draft_key
    from ordet.org.models import Tilbud
    from ordet.questionnaires import get as get_questionnaire
    from ordet.rounds.models import Round

    tilbud, round_ = pilot
    send(runner)
    path, token = h.links_in(smtp.collector.to("anna@example.dk")[0])
    questionnaire = get_questionnaire("paaroerende", 1)
    old_key = _link_draft_key(app.config["SECRET_KEY"], token)
    round_, tilbud = db.session.get(Round, round_.id), db.session.get(Tilbud, tilbud.id)
    draft = answering.start(round_, tilbud, questionnaire, LINK, "da", old_key, date.today())
    answering.record(draft, questionnaire, "samlet", "meget_tilfreds", date.today())
    db.session.commit()

    phone = other_client(app)
    page = phone.get("/" + path)
    assert "Fortsæt, hvor du slap" in page.text
    resumed = phone.post("/" + path, data={"csrf_token": csrf_from(page.text)})
    assert phone.get(resumed.location).location.endswith("/svar/2")
    # From now on every link of the invitation finds it, the reminder's too.
    first = date.today() + timedelta(days=1)
    save_plan(round_, tilbud, "Lea", first, None, date.today())
    queue_due_reminders(first)
    db.session.commit()
    send(runner)
    reminder, _ = h.links_in(smtp.collector.to("anna@example.dk")[-1])
    assert "Fortsæt, hvor du slap" in other_client(app).get("/" + reminder).text
