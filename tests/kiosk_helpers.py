"""Drive the kiosk through its real pages, as a tablet would."""

import re

from .factories import csrf_from

QUESTION_KEY = re.compile(r'name="question" value="([^"]+)"')
FIRST_OPTION = re.compile(r'name="value" id="opt-[^"]+" value="([^"]+)"')


def start(client, language: str = "da") -> None:
    page = client.get("/kiosk/sprog")
    assert page.status_code == 200, page.text
    response = client.post(
        "/kiosk/sprog", data={"lang": language, "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 302 and response.location.endswith("/svar/intro")


def question_page(client, position: int):
    page = client.get(f"/svar/{position}")
    assert page.status_code == 200, page.text
    key = QUESTION_KEY.search(page.text).group(1)
    return page, key


def answer(
    client,
    position: int,
    value: str | None = None,
    text: str | None = None,
    action: str = "next",
    key: str | None = None,
):
    page, found_key = question_page(client, position)
    data = {"csrf_token": csrf_from(page.text), "question": key or found_key, "action": action}
    if value is not None:
        data["value"] = value
    if text is not None:
        data["text"] = text
    return client.post(f"/svar/{position}", data=data)


def walk(client, choose, language: str = "da") -> dict[str, str]:
    """Answer every screen; ``choose(key, page_html)`` returns a value, text or None to skip."""
    start(client, language)
    given: dict[str, str] = {}
    position = 1
    while True:
        page, key = question_page(client, position)
        choice = choose(key, page.text)
        data = {"csrf_token": csrf_from(page.text), "question": key, "action": "next"}
        if choice is None:
            data["action"] = "skip"
        elif 'name="text"' in page.text:
            data["text"] = choice
            given[key] = choice
        else:
            data["value"] = choice
            given[key] = choice
        response = client.post(f"/svar/{position}", data=data)
        assert response.status_code == 302, response.text
        if response.location.endswith("/svar/tak"):
            return given
        position += 1
