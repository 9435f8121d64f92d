"""Walking a real sign-in at a real IdP: the Flask test client for our side, requests for
the IdP's; every redirect and post is the protocol's own."""

import re
from html import unescape
from urllib.parse import urlsplit

import requests

from ordet.audit import AuditEvent
from ordet.extensions import db


def local(url: str) -> str:
    """Our own address as the test client takes it (path and query)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def refusals(reason: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "sso.refused")
    ).all()
    return [e for e in events if reason is None or f'"reason": "{reason}"' in e.detail]


def oidc_sign_in(client, slug: str):
    """Start at our side, through the provider, and back: our answer to the callback."""
    start = client.get(f"/staff/sso/{slug}/oidc/start")
    assert start.status_code == 302, start.text
    at_idp = requests.get(start.location, allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302, at_idp.text
    return client.get(local(at_idp.headers["Location"]))


FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')
INPUT = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


def posted_form(html: str) -> tuple[str, dict]:
    """The auto-submitting form an IdP answers with: its address and fields."""
    action = unescape(FORM_ACTION.search(html).group(1))
    return action, {name: unescape(value) for name, value in INPUT.findall(html)}


def saml_answer(client, slug: str, idp: str | None = None) -> tuple[str, dict]:
    """Start at our side and let the IdP (``idp`` to send the request elsewhere) answer: the
    form it would post to our ACS, not yet posted."""
    start = client.get(f"/staff/sso/{slug}/saml/start")
    assert start.status_code == 302, start.text
    url = start.location
    if idp is not None:
        url = idp + "/sso/redirect?" + urlsplit(url).query
    at_idp = requests.get(url, allow_redirects=False, timeout=10)
    assert at_idp.status_code == 200, at_idp.text
    return posted_form(at_idp.text)


def saml_sign_in(client, slug: str, idp: str | None = None):
    action, fields = saml_answer(client, slug, idp)
    return client.post(local(action), data=fields)
