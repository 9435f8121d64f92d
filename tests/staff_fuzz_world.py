"""What the staff fuzz (test_fuzz_staff.py) runs against: demo-ish data, real ids and values
for every URL argument, and the forms its pages show, read from the HTML as a browser would."""

import io
import wave
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.security import generate_password_hash

from ordet.answering.models import Answer
from ordet.auth.models import ADMIN, NATIONAL_ANALYST, TILBUD_LEAD, Grant, User
from ordet.auth.services import issue_token
from ordet.extensions import db
from ordet.invitations import services as invitations
from ordet.kiosk import pin
from ordet.kiosk.models import Device
from ordet.national.models import Institution, NationalRound
from ordet.offline.models import TOO_SOON, OfflineKept
from ordet.questionnaires import get as get_questionnaire
from ordet.read_aloud import services as read_aloud
from ordet.results.comments import comment_ref
from ordet.results.linked import GROUPS

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response, release_all
from .staff_helpers import PASSWORD

PIN = "4711"
CSV = "email,navn,relation,borger har valgt\nanna@example.dk,Anna,datter,ja\nbo@x,Bo,,nej\n"


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 400)
    return buffer.getvalue()


@dataclass
class World:
    admin_id: int
    lead_id: int
    tablet_tilbud_id: int
    # URL argument -> real values, the first one inside the admin's scope.
    params: dict[str, list[str]]
    # Query and form names -> valid-looking values (real ids, slugs, units, filters).
    samples: dict[str, list[str]]
    files: list[tuple[str, bytes]]


def _commented_round(round_, tilbud) -> str:
    """Six finished responses (enough to be shown), one with a comment; the final release."""
    for i in range(6):
        answers = {"tryg": "ja", "glad_for_stedet": "nej"}
        if i == 0:
            answers["andet"] = f"Kommentar fra {tilbud.name}"
        make_response(round_, tilbud, answers, when=round_.opens_on + timedelta(days=1))
    release_all(round_)
    answer_id = db.session.scalar(
        db.select(Answer.id)
        .join(Answer.response)
        .where(Answer.question_key == "andet", Answer.value.like(f"%{tilbud.name}"))
    )
    return comment_ref(answer_id)


@cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD, method="scrypt")  # once: scrypt is slow on purpose


def _user(email: str, *grants: Grant) -> User:
    user = User(email=email, name=email.split("@")[0], language="da")
    user.password_hash = _password_hash()
    user.grants.extend(grants)
    db.session.add(user)
    db.session.flush()
    return user


def build_world() -> World:
    """Organisation A (the admin's: two areas, three tilbud, a round with responses, a comment,
    tablets, a PIN, a recording, invitations and a pending upload) and organisation B outside."""
    today = date.today()
    org_a, org_b = make_organisation("Org A"), make_organisation("Org B")
    a1, a2, b1 = make_specialomraade(org_a), make_specialomraade(org_a), make_specialomraade(org_b)
    t1, t2, t3, t4 = make_tilbud(a1), make_tilbud(a1), make_tilbud(a2), make_tilbud(b1)
    round_a, round_b = make_round([t1, t2, t3]), make_round([t4])
    db.session.commit()
    refs = [_commented_round(round_a, t1), _commented_round(round_b, t4)]
    admin = _user("admin@a.dk", Grant(role=ADMIN, organisation_id=org_a.id))
    admin.platform_admin = True  # the one who may create organisations: their form is fuzzed too
    lead = _user("leder@a.dk", Grant(role=TILBUD_LEAD, tilbud_id=t1.id, reads_comments=True))
    inner = _user(
        "inde@a.dk",
        Grant(role=TILBUD_LEAD, tilbud_id=t3.id),
        Grant(role=TILBUD_LEAD, tilbud_id=t2.id),
    )
    outer = _user("ude@b.dk", Grant(role=TILBUD_LEAD, tilbud_id=t4.id))
    devices = []
    for tilbud in (t1, t4):
        device = Device(
            tilbud_id=tilbud.id, label="Tablet", secret_hash="x" * 64, enrolled_on=today
        )
        db.session.add(device)
        devices.append(device)
    # A response held back from t1's tablets: the tablets page then offers to delete them.
    monday = today - timedelta(days=today.weekday())
    db.session.add(
        OfflineKept(tilbud_id=t1.id, reason=TOO_SOON, arrived_week=monday, envelope="{}")
    )
    pin.set_pin(admin.id, t1, PIN, today)
    borger = get_questionnaire("borger", 1)
    read_aloud.store(admin.id, org_a.id, borger, "tryg", "da", wav_bytes(), today)
    stored, rows = invitations.store_upload(admin.id, round_a, t1, "liste.csv", CSV.encode())
    invitations.import_upload(stored, rows, today)
    pending, _rows = invitations.store_upload(admin.id, round_a, t1, "igen.csv", CSV.encode())
    token = issue_token(inner, "reset", timedelta(hours=1))
    # The national level: a national round that round A takes part in (t1 and t3 in the
    # rollout), a national analyst; the admin is the platform administrator.
    national = NationalRound(slug="sikrede-2025", name="Sikrede 2025", year=2025)
    db.session.add(national)
    db.session.flush()
    round_a.national_round_id = national.id
    db.session.add(Institution(tilbud_id=t1.id, planned_year=2025, planned_quarter=3))
    db.session.add(Institution(tilbud_id=t3.id, planned_year=2026, planned_quarter=1))
    _user("land@regioner.dk", Grant(role=NATIONAL_ANALYST))
    db.session.commit()

    def ids(*units) -> list[str]:
        return [str(unit.id) for unit in units]

    def slugs(*units) -> list[str]:
        return [unit.slug for unit in units]

    params = {
        "organisation_id": ids(org_a, org_b),
        "area_id": ids(a1, a2, b1),
        "tilbud_id": ids(t1, t3, t4),
        "device_id": ids(*devices),
        "round_id": ids(round_a, round_b),
        "user_id": ids(inner, outer, admin, lead),
        "grant_id": ids(inner.grants[0], outer.grants[0], admin.grants[0], inner.grants[1]),
        "slug": slugs(round_a, round_b),
        "round_slug": slugs(round_a, round_b),
        "tilbud_slug": slugs(t1, t2, t4),
        "variant": ["borger", "unge", "paaroerende"],
        "ref": refs,
        "questionnaire": ["borger", "unge", "paaroerende"],
        "version": ["1", "2"],
        "question": ["tryg", "andet", "glad_for_stedet"],
        "token": [token],
        "national_slug": [national.slug, "findes-ikke"],
    }
    units = ["organisation", f"omraade:{a1.slug}", f"tilbud:{t1.slug}", f"tilbud:{t2.slug}"]
    samples = {
        "runde": [*ids(round_a, round_b), *slugs(round_a, round_b)],
        "enhed": [*units, f"tilbud:{t4.slug}", f"omraade:{b1.slug}", "tilbud:", "omraade"],
        "hjaelp": list(GROUPS),
        "tema": [*borger.themes, *get_questionnaire("unge", 1).themes],
        "operatoer": [*ids(org_a, org_b), "0", "abc"],
        "side": ["1", "2", "2147483647", "2147483648"],
        "organisation": ids(org_a, org_b),
        "kommentarer": ["1", "0"],
        "raadata": ["1", "0"],
        "next": ["/staff/", "//evil.example", "https://evil.example/"],
        "upload": [str(pending.id), str(stored.id)],
        "language": ["da", "en"],
        "reads": ["0", "1"],
        "active": ["0", "1"],
        "action": ["open", "close", "extend", "plan"],
        "pin": [PIN, "1234", "12345678"],
        "tilbud": ids(t1, t2, t3, t4),
        "scope": [*(f"tilbud:{i}" for i in ids(t1, t4)), f"organisation:{org_b.id}"],
        "role": ["admin", "analyst", "area_lead", "tilbud_lead", "national_analyst"],
        "year": ["2025", "1999", "2101", "tyve"],
        "planned_year": ["2025", "2027", "2028", "x"],
        "planned_quarter": ["1", "4", "0", "5"],
        "national_round_id": [str(national.id), "0", "2147483648"],
        "slug": ["sikrede-2026", "sikrede-2025", "Store Bogstaver"],
        "email": ["land@regioner.dk", "ny@regioner.dk", "inde@a.dk", "ikke-en-mail"],
    }
    files = [("liste.csv", CSV.encode()), ("lyd.wav", wav_bytes())]
    return World(admin.id, lead.id, t1.id, params, samples, files)


@dataclass
class Field:
    kind: str  # an <input>'s type, or "select", "textarea", "button"
    values: set[str] = field(default_factory=set)


@dataclass
class Form:
    method: str
    path: str
    fields: dict[str, Field]


class _Forms(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page, self.forms, self.select = page, [], None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            path = urlsplit(urljoin(self.page, a.get("action") or self.page)).path
            self.forms.append(Form(a.get("method", "get").upper(), path, {}))
            return
        if not self.forms or tag not in ("input", "select", "textarea", "button", "option"):
            return
        fields = self.forms[-1].fields
        if tag == "option" and self.select is not None:
            self.select.values.add(a.get("value", ""))
        elif a.get("name"):
            kind = {"input": a.get("type", "text"), "button": "button"}.get(tag, tag)
            found = fields.setdefault(a["name"], Field(kind))
            if a.get("value"):
                found.values.add(a["value"])
            self.select = found if tag == "select" else None


def forms_in(html: str, page: str) -> list[Form]:
    parser = _Forms(page)
    parser.feed(html)
    return parser.forms
