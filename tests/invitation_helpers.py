"""Staff login, a pårørende round, list files, and answering through a link."""

import io
import re

from openpyxl import Workbook

from ordet.auth.models import TILBUD_LEAD, Grant, User
from ordet.extensions import db

from .factories import csrf_from, make_round, make_tilbud
from .staff_helpers import session_login

LINK = re.compile(r"(https?://[^\s]+/s/([A-Za-z0-9_-]+))(?=\s)")


def login(client, tilbud, role=TILBUD_LEAD, email="leder@example.dk") -> User:
    user = User(email=email, name="Lea Leder")
    user.grants.append(Grant(role=role, tilbud_id=tilbud.id))
    db.session.add(user)
    db.session.commit()
    session_login(client, user)
    return user


def pilot_round(name="Bostedet Test"):
    tilbud = make_tilbud(name=name)
    round_ = make_round([tilbud])
    db.session.commit()
    return tilbud, round_


def xlsx(rows, header=("email", "navn", "relation", "borger har valgt")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tilbud_url(round_, tilbud) -> str:
    return f"/staff/paaroerende/{round_.slug}/{tilbud.slug}"


def set_contact(client, round_, tilbud, first="", second=""):
    page = client.get(tilbud_url(round_, tilbud))
    return client.post(
        tilbud_url(round_, tilbud) + "/plan",
        data={
            "csrf_token": csrf_from(page.text),
            "contact": "Lea Leder, tlf. 12 34 56 78",
            "first": first,
            "second": second,
        },
    )


def upload(client, round_, tilbud, data: bytes, filename="liste.xlsx"):
    page = client.get(tilbud_url(round_, tilbud))
    return client.post(
        tilbud_url(round_, tilbud) + "/upload",
        data={"csrf_token": csrf_from(page.text), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def import_preview(client, round_, tilbud, preview_html: str):
    upload_id = re.search(r'name="upload"[^>]*value="(\d+)"', preview_html).group(1)
    return client.post(
        tilbud_url(round_, tilbud) + "/import",
        data={"csrf_token": csrf_from(preview_html), "upload": upload_id},
    )


def links_in(message) -> tuple[str, str]:
    """(link path, token) from a received mail's plain text."""
    text = message.get_body(("plain",)).get_content()
    match = LINK.search(text)
    return match.group(1).split("://", 1)[1].split("/", 1)[1], match.group(2)


def answer_by_link(
    client, path: str, stop_after: int | None = None, text: str = "Fint sted."
) -> str:
    """Open the link, start, answer the first option everywhere and ``text`` to open
    questions; the last location."""
    page = client.get("/" + path)
    assert page.status_code == 200, page.text
    started = client.post("/" + path, data={"csrf_token": csrf_from(page.text), "lang": "da"})
    assert started.status_code == 302
    location = started.location  # the first question, or where a started answer stopped
    if not re.search(r"/svar/\d+$", location):
        location = client.get(location).location
    position = int(location.rsplit("/", 1)[1]) if location.rsplit("/", 1)[1].isdigit() else 1
    answered = 0
    while True:
        page = client.get(f"/svar/{position}")
        assert page.status_code == 200, page.text
        key = re.search(r'name="question" value="([^"]+)"', page.text).group(1)
        option = re.search(r'name="value" id="opt-[^"]+" value="([^"]+)"', page.text)
        data = {"csrf_token": csrf_from(page.text), "question": key, "action": "next"}
        if option:
            data["value"] = option.group(1)
        else:
            data["text"] = text
        response = client.post(f"/svar/{position}", data=data)
        assert response.status_code == 302, response.text
        answered += 1
        if response.location.endswith("/svar/tak") or answered == stop_after:
            return response.location
        position += 1
