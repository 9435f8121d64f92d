"""Sign-in through panva/oidc-provider, an OpenID Certified provider run with node (issue 22).

Our app registers itself at the provider (Dynamic Client Registration), the browser's part
is walked with requests through the provider's own login and consent forms, and back.
"""

from urllib.parse import urljoin

import pytest
import requests

from ordet.auth.models import ADMIN, ANALYST, User
from ordet.auth.sso.settings import set_oidc
from ordet.extensions import db

from .factories import make_organisation
from .idp import need_idp, running_node_provider
from .sso_helpers import local, posted_form, refusals, signed_in
from .staff_helpers import make_user, post_form

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
APP = "http://localhost/"


@pytest.fixture(scope="module")
def provider():
    need_idp(node=True)
    with running_node_provider() as base:
        yield base


def connect(provider: str, name: str):
    """An organisation whose IdP is the provider; our app registered there as a client."""
    organisation = make_organisation(name)
    registered = requests.post(
        f"{provider}/reg",
        json={
            "redirect_uris": [f"{APP}staff/sso/{organisation.slug}/oidc/callback"],
            "post_logout_redirect_uris": [f"{APP}staff/log-ind"],
            "token_endpoint_auth_method": "client_secret_basic",
        },
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    client = registered.json()
    discovery = f"{provider}/.well-known/openid-configuration"
    set_oidc(None, organisation, discovery, client["client_id"], client["client_secret"])
    db.session.commit()
    return organisation


def walk(browser: requests.Session, url: str, login: str = "") -> str:
    """Follow the provider's redirects and fill its forms until it sends the browser back
    to our app; returns that address."""
    for _ in range(20):
        if url.startswith(APP):
            return url
        answer = browser.get(url, allow_redirects=False, timeout=10)
        while answer.status_code == 200 and "<form" in answer.text:
            action, fields = posted_form(answer.text)
            if 'name="login"' in answer.text:
                fields.update(login=login, password="any")
            if "op.logoutForm" in answer.text:
                fields["logout"] = "yes"
            answer = browser.post(
                urljoin(url, action), data=fields, allow_redirects=False, timeout=10
            )
        assert answer.is_redirect, answer.text[:500]
        url = urljoin(url, answer.headers["Location"])
    raise AssertionError("the provider never sent the browser back")


def sign_in(client, slug: str, login: str):
    start = client.get(f"/staff/sso/{slug}/oidc/start")
    assert start.status_code == 302, start.text
    back = walk(requests.Session(), start.location, login)
    return client.get(local(back))


@pytest.fixture
def org(app, provider):
    return connect(provider, "Region Test")


def test_oidc_certified_provider_sign_in_results_page_and_logout(client, provider, org):
    make_user("lene@region.dk", ANALYST, org)
    browser = requests.Session()
    start = client.get(f"/staff/sso/{org.slug}/oidc/start")
    assert "code_challenge=" in start.location  # PKCE on top of state and nonce
    answer = client.get(local(walk(browser, start.location, "lene@region.dk")))
    assert answer.status_code == 302 and answer.location.endswith("/staff/")
    assert client.get("/staff/resultater/").status_code == 200
    out = post_form(client, "/staff/log-ud", {}, page_url="/staff/")
    assert out.location.startswith(f"{provider}/session/end")
    # The provider asks, signs the browser out there, and sends it back to our login page.
    assert walk(browser, out.location).startswith(f"{APP}staff/log-ind")
    assert not signed_in(client)
    assert client.get("/staff/resultater/").status_code == 302
    # Signed out at the provider too: the next sign-in asks for the login again.
    again = client.get(f"/staff/sso/{org.slug}/oidc/start")
    page = browser.get(again.location, allow_redirects=True, timeout=10)
    assert 'name="login"' in page.text


def test_oidc_certified_provider_without_email_is_refused(client, org):
    make_user("lene@region.dk", ANALYST, org)
    answer = sign_in(client, org.slug, "lene")  # an account at the IdP without an email
    assert answer.status_code == 403 and "bekræftet e-mailadresse" in answer.text
    assert not signed_in(client) and len(refusals("email")) == 1


def test_oidc_certified_provider_unknown_user_gets_no_account(client, org):
    answer = sign_in(client, org.slug, "ny@region.dk")
    assert answer.status_code == 403 and "ingen bruger" in answer.text
    assert db.session.scalar(db.select(User).where(User.email == "ny@region.dk")) is None
    assert not signed_in(client) and len(refusals("unknown_user")) == 1


def test_sso_certified_provider_of_another_organisation_cannot_sign_in_our_user(
    client, provider, org
):
    lene = make_user("lene@region.dk", ADMIN, org)
    other = connect(provider, "Kommune B")
    answer = sign_in(client, other.slug, lene.email)
    assert answer.status_code == 403 and "anden organisation" in answer.text
    assert not signed_in(client)
    assert {e.organisation_id for e in refusals("other_organisation")} == {org.id, other.id}


def test_oidc_certified_provider_callback_cannot_be_used_twice(client, app, org):
    make_user("lene@region.dk", ANALYST, org)
    start = client.get(f"/staff/sso/{org.slug}/oidc/start")
    back = local(walk(requests.Session(), start.location, "lene@region.dk"))
    assert client.get(back).status_code == 302
    # The same answer in another browser: no sign-in started there.
    stranger = app.test_client()
    assert stranger.get(back).status_code == 403 and not signed_in(stranger)
    assert len(refusals("state")) == 1
