"""The pårørende pilot end to end: upload, send over real SMTP, answer by link, count."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect

from ordet.answering.models import Answer, Response
from ordet.extensions import db
from ordet.invitations.models import Invitation, InvitationTally
from ordet.invitations.services import queue_due_reminders
from ordet.mail import OutboxMessage
from ordet.security import hash_secret

from . import invitation_helpers as h
from .factories import csrf_from
from .mailserver import smtp  # noqa: F401  (fixture)

PEOPLE = [
    ("anna@example.dk", "Anna Jensen", "Mor", "ja"),
    ("bo@example.dk", "Bo Hansen", "Bror", "ja"),
    ("carl@example.dk", "Carl Berg", "Ven", "ja"),
    ("dorte@example.dk", "Dorte Lund", "Søster", "ja"),
]


@pytest.fixture
def pilot(app, client, smtp):  # noqa: F811
    app.config["MAIL_URL"] = smtp.url
    tilbud, round_ = h.pilot_round()
    h.login(client, tilbud)
    assert h.set_contact(client, round_, tilbud).status_code == 302
    preview = h.upload(client, round_, tilbud, h.xlsx(PEOPLE + [("anna@example.dk", "", "", "ja")]))
    assert preview.status_code == 200, preview.text
    assert "Står to gange i listen" in preview.text
    imported = h.import_preview(client, round_, tilbud, preview.text)
    assert imported.status_code == 302
    return tilbud, round_


def send(runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    return result.output


def other_client(app):
    from .conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    return app.test_client()


def test_upload_send_answer_and_see_the_rate(app, client, runner, smtp, pilot):  # noqa: F811
    tilbud, round_ = pilot
    send(runner)
    assert sorted(m["To"] for m in smtp.messages) == sorted(p[0] for p in PEOPLE)
    mail = smtp.collector.to("anna@example.dk")[0]
    text = mail.get_body(("plain",)).get_content()
    assert "Bostedet Test" in text and "Lea Leder, tlf. 12 34 56 78" in text
    assert round_.closes_on.strftime("%Y") in text and "/afmeld" in text
    assert mail["List-Unsubscribe"].strip().startswith("<http") and mail["Message-ID"]

    # Anna answers on her phone; Bo starts on his PC and finishes on his phone.
    anna = other_client(app)
    path, token = h.links_in(mail)
    assert h.answer_by_link(anna, path).endswith("/svar/tak")
    thanks = anna.get("/svar/tak")
    assert "Tak for dine svar" in thanks.text and "data-return-url" not in thanks.text
    # The link is spent: its page is kind, and the same as for a link that never existed.
    again = other_client(app).get("/" + path)
    assert again.status_code == 404
    assert "Linket er allerede brugt, eller det er udløbet." in again.text
    assert "Har du allerede svaret, så tak for dine svar." in again.text

    bo_path, _ = h.links_in(smtp.collector.to("bo@example.dk")[0])
    h.answer_by_link(other_client(app), bo_path, stop_after=3)
    phone = other_client(app)
    assert "Fortsæt, hvor du slap" in phone.get("/" + bo_path).text
    page = phone.get("/" + bo_path)
    resumed = phone.post("/" + bo_path, data={"csrf_token": csrf_from(page.text)})
    assert phone.get(resumed.location).location.endswith("/svar/4")

    db.session.expire_all()
    complete = db.session.scalars(db.select(Response).where(Response.status == "complete")).all()
    assert len(complete) == 1 and complete[0].channel == "link"
    assert complete[0].questionnaire == "paaroerende" and complete[0].draft_key_hash is None

    overview = client.get("/staff/paaroerende/")
    assert overview.status_code == 200
    assert "25 %" in overview.text  # 1 of 4 answered
    tilbud_page = client.get(h.tilbud_url(round_, tilbud))
    assert "anna@example.dk" not in tilbud_page.text and "anna@example.dk" not in overview.text


def test_reminders_reach_only_those_who_neither_answered_nor_opted_out(
    app,
    client,
    runner,
    smtp,  # noqa: F811
    pilot,
):
    tilbud, round_ = pilot
    send(runner)
    anna_path, _ = h.links_in(smtp.collector.to("anna@example.dk")[0])
    h.answer_by_link(other_client(app), anna_path)
    bo_path, _ = h.links_in(smtp.collector.to("bo@example.dk")[0])
    opt_client = other_client(app)
    confirm = opt_client.get(f"/{bo_path}/afmeld")
    assert confirm.status_code == 200 and "Ja, afmeld mig" in confirm.text
    db.session.expire_all()
    assert (
        db.session.scalar(db.select(Invitation).where(Invitation.opted_out_on.is_not(None))) is None
    )
    opted = opt_client.post(f"/{bo_path}/afmeld", data={"csrf_token": csrf_from(confirm.text)})
    assert "Du er afmeldt" in opted.text
    # Carl's mail client uses one-click unsubscribe (RFC 8058).
    carl_path, _ = h.links_in(smtp.collector.to("carl@example.dk")[0])
    one_click = other_client(app).post(
        f"/{carl_path}/afmeld", data={"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200

    tomorrow = date.today() + timedelta(days=1)
    h.set_contact(client, round_, tilbud, first=tomorrow.isoformat())
    assert queue_due_reminders(tomorrow).first == 1
    db.session.commit()
    assert queue_due_reminders(tomorrow).first == 0  # once only
    db.session.commit()
    send(runner)
    reminded = [m["To"] for m in smtp.messages[4:]]
    assert reminded == ["dorte@example.dk"]
    assert "Påmindelse" in smtp.messages[4]["Subject"]
    # The reminder's own link opens Dorte's questionnaire; she answers.
    path, _ = h.links_in(smtp.messages[4])
    h.answer_by_link(other_client(app), path)
    db.session.expire_all()
    # Anna passed the reminder too, without a mail: her row says nothing of when she answered.
    anna = db.session.scalar(db.select(Invitation).filter_by(email="anna@example.dk"))
    assert (anna.answered, anna.reminders_sent, anna.first_reminder_on) == (True, 1, tomorrow)
    tally = db.session.get(InvitationTally, (round_.id, tilbud.id))
    counts = (tally.answered_before_reminders, tally.answered_after_first, tally.first_reminders)
    assert counts == (1, 1, 1)
    pilot_page = client.get(f"/staff/paaroerende/pilot?runde={round_.slug}")
    assert pilot_page.status_code == 200
    # Tilbud, invited, before the first reminder, got the first, after it, got the second, after.
    cells = re.findall(r"<td>(\d+)</td>", pilot_page.text.split("Svar pr. uge")[0])
    assert cells == ["4", "1", "1", "1", "0", "0"]


def test_the_database_holds_no_path_from_a_response_to_an_email(app, runner, smtp, pilot):  # noqa: F811
    send(runner)
    path, token = h.links_in(smtp.collector.to("anna@example.dk")[0])
    h.answer_by_link(other_client(app), path)
    db.session.expire_all()
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.answered.is_(True)))
    # No foreign key between response/answer and anything invitation- or mail-side.
    for table in ("response", "answer"):
        targets = {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys(table)}
        assert targets <= {"round", "tilbud", "response"}
    for table in ("invitation", "invitation_token", "outbox_message"):
        targets = {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys(table)}
        assert not targets & {"response", "answer"}
    # No value of the response is anything the invitation side knows.
    [response] = db.session.scalars(db.select(Response)).all()
    assert invitation.tokens == []  # deleted when the answer was sent
    invitation_side = {invitation.email, str(invitation.id), hash_secret(token)}
    response_values = {str(v) for v in (response.draft_key_hash, response.assisted)}
    response_values |= {a.value for a in db.session.scalars(db.select(Answer))}
    assert not response_values & invitation_side
    assert response.draft_key_hash is None
    assert set(Response.__table__.columns.keys()).isdisjoint(
        {"invitation_id", "email", "token_hash"}
    )


def test_unknown_expired_and_used_links_look_alike(app, client, runner, smtp, pilot):  # noqa: F811
    tilbud, round_ = pilot
    send(runner)
    used_path, _ = h.links_in(smtp.collector.to("anna@example.dk")[0])
    h.answer_by_link(other_client(app), used_path)
    unknown = client.get("/s/" + "A" * 43)
    used = client.get("/" + used_path)
    assert unknown.status_code == used.status_code == 404
    assert "Linket er allerede brugt" in unknown.text and "anna" not in unknown.text
    assert gone_text(used) == gone_text(unknown)
    assert gone_text(used)[0] == "Linket er allerede brugt, eller det er udløbet."
    # Opting out after answering: nothing to do, and said the same way as for a wrong link.
    used_opt_out = client.get(f"/{used_path}/afmeld")
    unknown_opt_out = client.get(f"/s/{'B' * 43}/afmeld")
    assert used_opt_out.status_code == unknown_opt_out.status_code == 404
    assert gone_text(used_opt_out) == gone_text(unknown_opt_out)
    assert "får du ikke flere påmindelser" in used_opt_out.text
    round_.closed_early = True
    db.session.commit()
    bo_path, _ = h.links_in(smtp.collector.to("bo@example.dk")[0])
    closed = client.get("/" + bo_path)
    assert closed.status_code == 404 and "lukket" in closed.text


def gone_text(page) -> list[str]:
    """The words of a "link gone" page."""
    return re.findall(r"<(?:h1|p)[^>]*>([^<]+)</", page.text.split("<main", 1)[1])


def test_a_bounce_is_noted_and_the_given_up_mail_forgotten(app, runner, smtp, pilot):  # noqa: F811
    smtp.collector.refuse["bo@example.dk"] = "550 5.1.1 No such user"
    assert "bounced invitations 1" in send(runner)
    db.session.expire_all()
    bounced = db.session.scalars(db.select(Invitation).where(Invitation.bounced_on.is_not(None)))
    assert [i.email for i in bounced] == ["bo@example.dk"]
    # The others' mails were sent, Bo's given up: the outbox keeps neither.
    assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_opting_out_deletes_the_unsent_reminder(app, client, runner, smtp, pilot):  # noqa: F811
    tilbud, round_ = pilot
    send(runner)
    tomorrow = date.today() + timedelta(days=1)
    h.set_contact(client, round_, tilbud, first=tomorrow.isoformat())
    assert queue_due_reminders(tomorrow).first == 4
    db.session.commit()
    path, _ = h.links_in(smtp.collector.to("carl@example.dk")[0])
    page = other_client(app).post(f"/{path}/afmeld", data={"List-Unsubscribe": "One-Click"})
    assert "Du er afmeldt" in page.text
    db.session.expire_all()
    waiting = sorted(m.recipient for m in db.session.scalars(db.select(OutboxMessage)))
    assert waiting == ["anna@example.dk", "bo@example.dk", "dorte@example.dk"]
    send(runner)
    assert sorted(m["To"] for m in smtp.messages[4:]) == waiting
    assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_the_link_is_rate_limited(app, client):
    statuses = [client.get(f"/s/guess{i}").status_code for i in range(35)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_purge_removes_emails_and_names_and_keeps_the_counts(app, client, runner, smtp, pilot):  # noqa: F811
    tilbud, round_ = pilot
    send(runner)
    path, _ = h.links_in(smtp.collector.to("anna@example.dk")[0])
    h.answer_by_link(other_client(app), path)
    round_ = db.session.merge(round_)
    round_.opens_on = date.today() - timedelta(days=90)
    round_.closes_on = date.today() - timedelta(days=31)
    db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "Purged 4" in result.output
    db.session.expire_all()
    invitations = db.session.scalars(db.select(Invitation)).all()
    assert len(invitations) == 4 and sum(i.answered for i in invitations) == 1
    assert all(i.email is None and i.name is None and i.relation is None for i in invitations)
    assert db.session.scalars(db.select(OutboxMessage)).all() == []
    dump = "\n".join(
        str(row)
        for table in db.metadata.sorted_tables
        for row in db.session.execute(table.select()).all()
    )
    for email, name, *_ in PEOPLE:
        assert email not in dump and name not in dump
    overview = client.get(f"/staff/paaroerende/?runde={round_.slug}")
    assert "25 %" in overview.text


def test_a_link_answered_elsewhere_stops_an_open_draft(app, runner, smtp, pilot):  # noqa: F811
    # Anna has begun on her PC; meanwhile the invitation is answered (e.g. on her phone). The
    # PC may not add a second response: its next screen says the link no longer works.
    send(runner)
    path, _ = h.links_in(smtp.collector.to("anna@example.dk")[0])
    pc = other_client(app)
    h.answer_by_link(pc, path, stop_after=2)
    page = pc.get("/svar/3")
    key = re.search(r'name="question" value="([^"]+)"', page.text).group(1)
    option = re.search(r'name="value" id="opt-[^"]+" value="([^"]+)"', page.text).group(1)
    anna = db.session.scalar(db.select(Invitation).where(Invitation.email == "anna@example.dk"))
    anna.answered = True
    db.session.commit()
    answers_before = db.session.scalar(db.select(db.func.count(Answer.id)))

    data = {"csrf_token": csrf_from(page.text), "question": key, "value": option, "action": "next"}
    refused = pc.post("/svar/3", data=data)
    assert refused.status_code == 403
    assert "Linket virker ikke længere" in refused.text
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == answers_before
