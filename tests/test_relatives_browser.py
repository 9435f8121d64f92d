"""The relative's steps on a phone (390 x 844, Chromium), with mail over real SMTP (issue 24).

Staff work (the list, the reminder plan, the nightly reminder runs) goes through the services
in the live app; everything the relative does is a tap in the browser on a link from a mail.
"""

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from ordet.answering import services as answering
from ordet.answering.models import DRAFT, Response
from ordet.extensions import db
from ordet.invitations import services
from ordet.results.models import RESPONSES_KEY, ResultCount

from . import a11y_checks as checks
from . import factories
from . import invitation_helpers as h
from .browser import PHONE
from .mailserver import smtp  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
PEOPLE = [("anna@example.dk", "Anna", "Mor", "ja"), ("bo@example.dk", "Bo", "Bror", "ja")]
LATE = [("eva@example.dk", "Eva", "Datter", "ja")]
QUESTIONS = 12


class Staff:
    """The staff side, run in the live app as the pages and the nightly jobs would."""

    def __init__(self, live_server, smtp_url: str):
        self.app, self.smtp_url = live_server.app, smtp_url
        with self.context():
            tilbud = factories.make_tilbud(name="Bostedet Solsikken", variant="paaroerende")
            round_ = factories.make_round([tilbud])
            db.session.commit()
            self.tilbud_id, self.round_id = tilbud.id, round_.id
            self.organisation = tilbud.specialomraade.organisation.name

    @contextmanager
    def context(self):
        with self.app.app_context():
            yield
            db.session.remove()

    def objects(self):
        from ordet.org.models import Tilbud
        from ordet.rounds.models import Round

        return db.session.get(Round, self.round_id), db.session.get(Tilbud, self.tilbud_id)

    def plan(self, first: date, second: date) -> None:
        with self.context():
            round_, tilbud = self.objects()
            services.save_plan(round_, tilbud, "Lea Leder, tlf. 12 34 56 78", first, second, first)
            db.session.commit()

    def invite(self, rows, day: date) -> None:
        with self.context():
            round_, tilbud = self.objects()
            stored, parsed = services.store_upload(1, round_, tilbud, "liste.xlsx", h.xlsx(rows))
            services.import_upload(stored, parsed, day)
            db.session.commit()
        self.send()

    def remind(self, day: date) -> services.ReminderReport:
        with self.context():
            report = services.queue_due_reminders(day)
            db.session.commit()
        self.send()
        return report

    def send(self) -> None:
        self.app.config["MAIL_URL"] = self.smtp_url
        try:
            result = self.app.test_cli_runner().invoke(args=["send-mail"])
        finally:
            self.app.config["MAIL_URL"] = None
        assert result.exit_code == 0, result.output

    def close_round(self) -> int:
        """The round ends and what nobody finished is closed; the responses counted."""
        with self.context():
            round_, _ = self.objects()
            round_.closes_on = date.today() - timedelta(days=1)
            drafts = db.session.scalars(
                db.select(Response.id).where(
                    Response.round_id == self.round_id, Response.status == DRAFT
                )
            ).all()
            for response_id in drafts:  # as ``close-drafts`` does, for this round only
                answering.abandon(answering.draft_by_id(response_id), date.today())
            db.session.commit()
            return db.session.scalar(
                db.select(db.func.sum(ResultCount.count)).where(
                    ResultCount.round_id == self.round_id,
                    ResultCount.question_key == RESPONSES_KEY,
                )
            )


def link(smtp, email: str, newest: bool = True) -> str:  # noqa: F811
    mails = smtp.collector.to(email)
    return "/" + h.links_in(mails[-1] if newest else mails[0])[0]


def footer_names(page, organisation: str) -> list[str]:
    footer = page.locator("footer").inner_text()
    problems = [] if f"Spørgeskemaet er fra {organisation}." in footer else ["no organisation"]
    if not page.locator("footer a", has_text="Sådan behandler vi dine oplysninger").count():
        problems.append("no privacy link")
    return problems


def answer(page, count: int, organisation: str) -> list[str]:
    """Answer ``count`` screens by touch from where the page is; problems seen on the way."""
    problems = []
    for _ in range(count):
        position = int(re.search(r"/svar/(\d+)$", page.url).group(1))
        screen = f"question {position}"
        # "Næste" is on the screen as it opens: no scrolling on a phone.
        next_box = page.locator("button[value=next]").bounding_box()
        if next_box["y"] + next_box["height"] > PHONE["height"]:
            problems.append(f"{screen}: Næste ends at {next_box['y'] + next_box['height']:.0f}")
        problems += [f"{screen}: {p}" for p in footer_names(page, organisation)]
        if page.locator("textarea").count():
            page.fill("textarea", "Personalet er søde.")
        else:
            page.locator("main label[for^=opt-]").first.tap()
        with page.expect_navigation():
            page.locator("button[value=next]").tap()
    return problems


def test_a_relative_resumes_through_the_second_reminder_and_is_counted_once(
    new_context,
    live_server,
    smtp,  # noqa: F811
):
    staff = Staff(live_server, smtp.url)
    day0 = date.today()
    first, second = day0 + timedelta(days=2), day0 + timedelta(days=9)
    staff.plan(first, second)
    staff.invite(PEOPLE, day0)

    # Anna taps the invitation's link on her phone, answers five questions and is called away.
    phone = new_context(PHONE).new_page()
    phone.goto(link(smtp, "anna@example.dk"))
    assert footer_names(phone, staff.organisation) == []
    with phone.expect_navigation():
        phone.locator("main button.primary").tap()
    assert phone.url.endswith("/svar/1")  # no second start screen
    problems = answer(phone, 5, staff.organisation)
    phone.context.close()

    # A late list, imported after the first reminder's date: Eva.
    assert staff.remind(first) == services.ReminderReport(2, 0)
    staff.invite(LATE, first + timedelta(days=1))
    # The second reminder reaches Anna, Bo and Eva (her next due reminder), once each.
    assert staff.remind(second) == services.ReminderReport(0, 3)
    assert [len(smtp.collector.to(p[0])) for p in PEOPLE + LATE] == [3, 3, 2]

    # Days later Anna opens the newest mail, the second reminder, on another device.
    pc = new_context(PHONE).new_page()
    pc.goto(link(smtp, "anna@example.dk"))
    resume = pc.locator("main button.primary")
    assert resume.inner_text().strip() == "Fortsæt, hvor du slap"
    with pc.expect_navigation():
        resume.tap()
    assert pc.url.endswith("/svar/6") and "Spørgsmål 6 af 12" in pc.inner_text("main")
    problems += answer(pc, QUESTIONS - 5, staff.organisation)
    assert pc.url.endswith("/svar/tak") and "Tak for dine svar" in pc.inner_text("main")
    assert footer_names(pc, staff.organisation) == []
    # Back after "Tak": the answer is sent, said kindly.
    pc.go_back()
    assert "Dine svar er sendt" in pc.inner_text("main")
    assert checks.axe_problems(pc, respondent=True) == []
    # The privacy notice the pages link to.
    pc.locator("footer a", has_text="Sådan behandler vi dine oplysninger").click()
    assert "dataansvarlig" in pc.inner_text("main")
    assert checks.axe_problems(pc, respondent=True) == []

    # Eva answers through her reminder, Bo through his first mail.
    for email in ("eva@example.dk", "bo@example.dk"):
        page = new_context(PHONE).new_page()
        page.goto(link(smtp, email, newest=email == "eva@example.dk"))
        with page.expect_navigation():
            page.locator("main button.primary").tap()
        problems += answer(page, QUESTIONS, staff.organisation)
        assert page.url.endswith("/svar/tak")
    assert problems == []
    # The round closes: three relatives answered, three responses are counted.
    assert staff.close_round() == 3


BROKEN_WORDS_JS = """() => {
  const broken = [];
  for (const el of document.querySelectorAll('header *, main *')) {
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def test_larger_text_on_a_phone_splits_no_word(new_context, live_server, smtp):  # noqa: F811
    staff = Staff(live_server, smtp.url)
    staff.invite(PEOPLE[:1], date.today())
    page = new_context(PHONE).new_page()
    page.goto(link(smtp, "anna@example.dk"))
    with page.expect_navigation():
        page.locator("header button", has_text="Større tekst").tap()
    with page.expect_navigation():
        page.locator("main button.primary").tap()
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    for position in (1, 2, QUESTIONS):
        page.goto(f"/svar/{position}")
        assert page.evaluate(BROKEN_WORDS_JS) == [], f"question {position}"
        assert checks.horizontal_scroll(page) == []
