"""Staff sign in through their organisation's OpenID Connect provider (issue 22).

The provider is real (tests/idp/oidc_provider.py, its own process on 127.0.0.1); Authlib's
client on our side walks discovery, the code exchange and the ID token's checks.
"""

import pytest
import requests

from ordet.auth.models import ADMIN, ANALYST, Grant
from ordet.auth.sso.settings import set_oidc, set_passwords_off
from ordet.extensions import db
from ordet.mail import OutboxMessage

from .factories import make_organisation
from .idp import need_idp, running
from .sso_helpers import local, oidc_sign_in, refusals, signed_in
from .staff_helpers import PASSWORD, make_user, post_form

# SQLite only, except the sign-in itself and the replay check, which also run on PostgreSQL.
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def provider():
    need_idp()
    with running("tests.idp.oidc_provider") as base:
        yield base


def _setup(provider: str, **values) -> None:
    requests.post(f"{provider}/_test/setup", json=values, timeout=10).raise_for_status()


@pytest.fixture
def org(app, provider):
    organisation = make_organisation("Region Test")
    client_id = f"ordet-{organisation.slug}"
    set_oidc(
        None, organisation, f"{provider}/.well-known/openid-configuration", client_id, "s3cret"
    )
    db.session.commit()
    _setup(
        provider,
        client_id=client_id,
        client_secret="s3cret",
        redirect_uris=[f"http://localhost/staff/sso/{organisation.slug}/oidc/callback"],
        scenario="ok",
        email="lene@region.dk",
    )
    return organisation


@pytest.fixture
def lene(org):
    return make_user("lene@region.dk", ANALYST, org)


def test_oidc_sign_in_results_page_and_logout(client, provider, org, lene):
    answer = oidc_sign_in(client, org.slug)
    assert answer.status_code == 302 and answer.location.endswith("/staff/")
    assert client.get("/staff/resultater/").status_code == 200
    logouts = requests.get(f"{provider}/_test/state", timeout=10).json()["logouts"]
    page = client.get("/staff/")
    out = post_form(client, "/staff/log-ud", {}, page_url="/staff/")
    # Out here, and sent on to the provider's end-session endpoint, which sends us back.
    assert out.location.startswith(provider + "/end-session")
    back = requests.get(out.location, allow_redirects=False, timeout=10)
    assert back.headers["Location"].endswith("/staff/log-ind")
    assert requests.get(f"{provider}/_test/state", timeout=10).json()["logouts"] == logouts + 1
    assert page.status_code == 200 and not signed_in(client)
    assert client.get("/staff/resultater/").status_code == 302


@SQLITE
def test_oidc_sign_in_is_audited(client, org, lene):
    oidc_sign_in(client, org.slug)
    from ordet.audit import AuditEvent

    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "sso.signed_in"))
    assert event.user_id == lene.id and event.organisation_id == org.id


@SQLITE
def test_oidc_small_clock_skew_is_allowed(client, provider, org, lene):
    _setup(provider, scenario="skewed")
    oidc_sign_in(client, org.slug)
    assert signed_in(client)


@pytest.mark.parametrize(
    ("scenario", "reason", "text"),
    [
        ("wrong_issuer", "issuer", "en anden login-tjeneste"),
        ("wrong_audience", "audience", "ikke udstedt til denne tjeneste"),
        ("expired", "expired", "for gammelt eller endnu ikke gyldigt"),
        ("not_yet_valid", "expired", "for gammelt eller endnu ikke gyldigt"),
        ("bad_signature", "signature", "ikke underskrevet korrekt"),
        ("no_email", "email", "bekræftet e-mailadresse"),
        ("unverified_email", "email", "bekræftet e-mailadresse"),
    ],
)
@SQLITE
def test_oidc_refuses_bad_id_token(client, provider, org, lene, scenario, reason, text):
    _setup(provider, scenario=scenario)
    answer = oidc_sign_in(client, org.slug)
    assert answer.status_code == 403
    assert text in answer.text and "Du er ikke logget ind" in answer.text
    assert not signed_in(client)
    assert len(refusals(reason)) == 1


def test_oidc_refuses_replayed_id_token(client, provider, org, lene):
    slug = org.slug
    oidc_sign_in(client, slug)
    post_form(client, "/staff/log-ud", {}, page_url="/staff/")
    # The provider hands out the earlier ID token again: its nonce was for another sign-in.
    _setup(provider, scenario="replay")
    answer = oidc_sign_in(client, slug)
    assert answer.status_code == 403 and "allerede brugt" in answer.text
    assert not signed_in(client)
    assert len(refusals("replay")) == 1


@SQLITE
def test_oidc_refuses_replayed_callback(client, org, lene):
    slug = org.slug
    start = client.get(f"/staff/sso/{slug}/oidc/start")
    back = local(
        requests.get(start.location, allow_redirects=False, timeout=10).headers["Location"]
    )
    assert client.get(back).status_code == 302
    post_form(client, "/staff/log-ud", {}, page_url="/staff/")
    again = client.get(back)
    assert again.status_code == 403 and not signed_in(client)


@SQLITE
def test_oidc_unknown_email_creates_no_account(client, provider, org):
    from ordet.auth.models import User

    _setup(provider, email="ny@region.dk")
    answer = oidc_sign_in(client, org.slug)
    assert answer.status_code == 403 and "ingen bruger" in answer.text
    assert db.session.scalar(db.select(User).where(User.email == "ny@region.dk")) is None
    assert not signed_in(client) and len(refusals("unknown_user")) == 1


@SQLITE
def test_sso_idp_of_another_organisation_cannot_sign_in_our_user(client, provider, org, app):
    # Organisation B sets up its own (here: the same kind of) provider; its IdP claims a user
    # of organisation A.
    other = make_organisation("Kommune B")
    set_oidc(None, other, f"{provider}/.well-known/openid-configuration", "ordet-b", "b-secret")
    db.session.commit()
    _setup(
        provider,
        client_id="ordet-b",
        client_secret="b-secret",
        redirect_uris=[f"http://localhost/staff/sso/{other.slug}/oidc/callback"],
        email="lene@region.dk",
    )
    lene = make_user("lene@region.dk", ADMIN, org)
    answer = oidc_sign_in(client, other.slug)
    assert answer.status_code == 403 and "anden organisation" in answer.text
    assert not signed_in(client)
    # Both organisations' logs show the attempt.
    logged = {e.organisation_id for e in refusals("other_organisation")}
    assert logged == {org.id, other.id}
    assert lene.id  # still there, untouched


@SQLITE
def test_sso_passwords_off_refuses_password_sign_in(client, org, lene):
    set_passwords_off(None, org, True)
    db.session.commit()
    answer = post_form(client, "/staff/log-ind", {"email": lene.email, "password": PASSWORD})
    # Refused as a wrong password is: the answer does not tell that the password was right.
    assert answer.status_code == 400 and "E-mail eller adgangskode er forkert" in answer.text
    assert not signed_in(client)
    # Nor can a forgotten-password link give them one.
    post_form(client, "/staff/glemt-adgangskode", {"email": lene.email})
    assert db.session.scalars(db.select(OutboxMessage)).all() == []
    # The organisation's own login still works.
    oidc_sign_in(client, org.slug)
    assert signed_in(client)


@SQLITE
def test_sso_login_page_sends_to_the_organisations_idp(client, provider, org, lene):
    page = client.get("/staff/log-ind")
    assert org.name in page.text
    chosen = client.get(f"/staff/sso/?organisation={org.slug}")
    assert chosen.location.endswith(f"/staff/sso/{org.slug}/oidc/start")
    start = client.get(local(chosen.location))
    assert start.location.startswith(provider + "/authorize")


@SQLITE
def test_sso_starting_sign_ins_is_rate_limited(app, client, org):
    app.config["SSO_RATE_LIMIT"] = "3 per minute"
    answers = [client.get(f"/staff/sso/{org.slug}/oidc/start").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]


@SQLITE
def test_sso_user_with_roles_in_two_organisations_is_not_signed_in_by_one_idp(client, org):
    # A session from organisation A's IdP would carry the user's roles in B as well.
    other = make_organisation("Kommune B")
    user = make_user("lene@region.dk", ANALYST, org)
    user.grants.append(Grant(role=ANALYST, organisation_id=other.id))
    db.session.commit()
    answer = oidc_sign_in(client, org.slug)
    assert answer.status_code == 403 and "anden organisation" in answer.text
    assert not signed_in(client)
