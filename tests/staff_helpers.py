"""Staff users and sign-in for tests, through the real models and the real login form."""

import re
import time

from ordet.auth.models import Grant, User
from ordet.auth.session import SEEN_KEY
from ordet.extensions import db

PASSWORD = "rigtig-god-adgangskode"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_user(
    email: str,
    role: str,
    unit=None,
    *,
    kind: str | None = None,
    name: str = "",
    password: str = PASSWORD,
) -> User:
    """A user with one grant of ``role`` over ``unit`` (an Organisation, Specialomraade or
    Tilbud); the scope kind is taken from the unit's class."""
    user = User(email=email, name=name or email.split("@")[0], language="da")
    user.set_password(password)
    if unit is not None:
        kind = (
            kind
            or {
                "Organisation": "organisation",
                "Specialomraade": "specialomraade",
                "Tilbud": "tilbud",
            }[type(unit).__name__]
        )
        user.grants.append(Grant(role=role, name=user.name, **{f"{kind}_id": unit.id}))
    db.session.add(user)
    db.session.commit()
    return user


def token_in(html: str) -> str:
    match = TOKEN.search(html)
    return match.group(1) if match else ""


def post_form(client, url: str, data: dict, page_url: str | None = None):
    """POST ``data`` with the CSRF token from ``page_url`` (default: the same URL)."""
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": token_in(page.text), **data})


def login(client, email: str, password: str = PASSWORD):
    response = post_form(client, "/staff/log-ind", {"email": email, "password": password})
    assert response.status_code == 302, response.text
    return response


def session_login(client, user: User) -> None:
    """Sign ``user`` in by setting the session as the login form would, without scrypt's cost.

    The login form itself is tested in test_auth.py; other tests only need a live session.
    """
    # The epoch as stored now: a request may have ended the user's sessions since it was read.
    db.session.expire(user, ["session_epoch"])
    with client.session_transaction() as s:
        s["_user_id"] = user.get_id()
        s["_fresh"] = True
        s[SEEN_KEY] = time.time()
