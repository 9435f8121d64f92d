"""What the link pages promise must be true, and say who is asking (issue 24, points 3-4)."""

import re
from datetime import date, timedelta

from ordet.auth.models import ADMIN
from ordet.extensions import db
from ordet.invitations.models import Invitation
from ordet.invitations.services import queue_due_reminders
from ordet.org.models import Organisation

from . import invitation_helpers as h
from .factories import csrf_from
from .mailserver import smtp  # noqa: F401  (fixture)
from .staff_helpers import login, make_user, post_form
from .test_invitations_flow import other_client, pilot, send  # noqa: F401  (fixture)

UNTRUE = "Vi kan ikke se, hvem der har svaret."
TRUE = "Vi registrerer, om du har svaret, så du ikke får flere påmindelser."


def organisation_of(tilbud) -> Organisation:
    return db.session.get(Organisation, db.session.merge(tilbud).organisation_id)


def asker(page) -> tuple[str, str] | None:
    """(the organisation named in the page's footer, where its privacy link goes)."""
    footer = page.text.split("<footer", 1)[1]
    found = re.search(r'Spørgeskemaet er fra ([^<]+)\.\s*<a href="([^"]+)"', footer)
    return (found.group(1), found.group(2)) if found else None


def test_every_link_page_says_what_is_true_and_who_asks(app, runner, smtp, pilot):  # noqa: F811
    tilbud, round_ = pilot
    organisation = organisation_of(tilbud)
    expected = (organisation.name, f"/privatliv/{organisation.slug}")
    send(runner)
    mail = smtp.collector.to("anna@example.dk")[0]
    path, _ = h.links_in(mail)
    phone = other_client(app)

    start = phone.get("/" + path)
    assert TRUE in start.text and UNTRUE not in start.text
    assert asker(start) == expected
    # The closing date is written as in the mail.
    closes = re.search(r"til og med (\d+\. \w+ \d{4})", mail.get_body(("plain",)).get_content())
    assert f"Du kan svare til og med {closes.group(1)}." in start.text
    assert asker(phone.get(f"/{path}/afmeld")) == expected

    begun = phone.post("/" + path, data={"csrf_token": csrf_from(start.text), "lang": "da"})
    # No second start screen: the first question follows the link's own start page.
    assert begun.location.endswith("/svar/1")
    question = phone.get("/svar/1")
    assert asker(question) == expected
    # "Tilbage" from the first question: an introduction written for pårørende, true too.
    data = {"csrf_token": csrf_from(question.text), "question": "samlet", "action": "back"}
    intro = phone.get(phone.post("/svar/1", data=data).location)
    assert TRUE in intro.text and UNTRUE not in intro.text
    assert "Du må gerne få hjælp til at svare." not in intro.text
    assert asker(intro) == expected

    assert h.answer_by_link(phone, path).endswith("/svar/tak")
    thanks = phone.get("/svar/tak")
    assert asker(thanks) == expected
    # What the page said is what happened: the invitation records that it was answered.
    db.session.expire_all()
    anna = db.session.scalar(db.select(Invitation).filter_by(email="anna@example.dk"))
    assert anna.answered

    # "Tilbage" after "Tak": said kindly that the answer is sent, not "open the link".
    back = phone.get("/svar/12", follow_redirects=True)
    assert back.status_code == 200
    assert "Dine svar er sendt" in back.text and "Åbn linket" not in back.text

    # The privacy page the link leads to: who is responsible, what is kept, for how long.
    notice = phone.get(expected[1])
    assert notice.status_code == 200
    assert f"{organisation.name} står bag spørgeskemaet og er dataansvarlig" in notice.text
    assert "slettes 30 dage efter" in notice.text


def test_an_unknown_link_names_nobody(app, client):
    page = client.get("/s/" + "A" * 43)
    assert page.status_code == 404 and asker(page) is None


def test_the_organisation_sets_its_own_privacy_notice(app, client, runner, smtp, pilot):  # noqa: F811
    tilbud, round_ = pilot
    organisation = organisation_of(tilbud)
    admin = other_client(app)
    make_user("admin@test.dk", ADMIN, organisation)
    login(admin, "admin@test.dk")
    url = f"/staff/organisation/{organisation.id}"
    bad = post_form(
        admin, url, {"name": organisation.name, "active": "y", "privacy_url": "javascript:alert(1)"}
    )
    assert bad.status_code == 400 and "Skriv en hel adresse" in bad.text
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).privacy_url is None
    notice = "https://www.rm.dk/om-os/privatlivspolitik/"
    saved = post_form(admin, url, {"name": organisation.name, "active": "y", "privacy_url": notice})
    assert saved.status_code == 302
    send(runner)
    path, _ = h.links_in(smtp.collector.to("bo@example.dk")[0])
    assert asker(other_client(app).get("/" + path)) == (organisation.name, notice)


def test_the_mail_comes_from_the_organisation_with_a_button(app, client, runner, smtp, pilot):  # noqa: F811
    tilbud, round_ = pilot
    organisation = organisation_of(tilbud)
    organisation.name = "Socialområdet, Region Midtjylland"  # a comma and a Danish letter
    db.session.commit()
    # The reminder, queued after the renaming, carries the name the organisation has now.
    day = date.today() + timedelta(days=1)
    h.set_contact(client, round_, tilbud, first=day.isoformat())
    queue_due_reminders(day)
    db.session.commit()
    send(runner)
    mail = smtp.collector.to("anna@example.dk")[-1]
    [sender] = mail["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Socialområdet, Region Midtjylland",
        "ordet-er-dit@rm.example",  # the app's own address (MAIL_FROM)
    )
    path, _ = h.links_in(mail)
    html = mail.get_body(("html",)).get_content()
    button = re.search(r'<a href="([^"]+)" style="([^"]+)">Svar på spørgeskemaet</a>', html)
    assert button and button.group(1).endswith("/" + path)
    assert "background:#00366b" in button.group(2) and "color:#ffffff" in button.group(2)
