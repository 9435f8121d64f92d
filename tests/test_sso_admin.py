"""An admin sets the organisation's IdP on its page; then its staff sign in there (issue 22)."""

import pytest
import requests

from ordet.auth.models import ADMIN, ANALYST
from ordet.auth.sso.models import SsoConfig
from ordet.extensions import db

from .factories import make_organisation
from .idp import need_idp, running
from .sso_helpers import oidc_sign_in, saml_sign_in, signed_in
from .staff_helpers import PASSWORD, make_user, post_form, session_login

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def provider():
    need_idp()
    with running("tests.idp.oidc_provider") as base:
        yield base


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    need_idp()
    with running("tests.idp.saml_idp", str(tmp_path_factory.mktemp("idp"))) as base:
        yield base


@pytest.fixture
def org(app):
    organisation = make_organisation("Region Test")
    db.session.commit()
    return organisation


@pytest.fixture
def admin_client(client, org):
    session_login(client, make_user("admin@region.dk", ADMIN, org))
    return client


def _page(org) -> str:
    return f"/staff/sso/organisation/{org.id}"


def test_sso_admin_sets_oidc_and_staff_sign_in(admin_client, app, provider, org):
    answer = post_form(
        admin_client,
        f"{_page(org)}/oidc",
        {
            "oidc-discovery_url": f"{provider}/.well-known/openid-configuration",
            "oidc-client_id": "ordet-region",
            "oidc-client_secret": "meget-hemmelig",
            "oidc-scopes": "openid email",
        },
        page_url=_page(org),
    )
    assert answer.status_code == 302
    page = admin_client.get(_page(org)).text
    assert "ordet-region" in page and "meget-hemmelig" not in page
    # Stored only encrypted.
    stored = db.session.scalar(db.select(SsoConfig.oidc_client_secret))
    assert stored and "meget-hemmelig" not in stored
    requests.post(
        f"{provider}/_test/setup",
        json={
            "client_id": "ordet-region",
            "client_secret": "meget-hemmelig",
            "redirect_uris": [f"http://localhost/staff/sso/{org.slug}/oidc/callback"],
            "email": "lene@region.dk",
            "scenario": "ok",
        },
        timeout=10,
    ).raise_for_status()
    make_user("lene@region.dk", ANALYST, org)
    staff = app.test_client()
    oidc_sign_in(staff, org.slug)
    assert signed_in(staff)


def test_sso_admin_sets_saml_from_metadata_url_and_staff_sign_in(admin_client, app, idp, org):
    answer = post_form(
        admin_client,
        f"{_page(org)}/saml",
        {"saml-metadata_url": f"{idp}/metadata"},
        page_url=_page(org),
    )
    assert answer.status_code == 302
    sp_metadata = admin_client.get(f"/staff/sso/{org.slug}/saml/metadata.xml").text
    assert "PRIVATE KEY" not in sp_metadata
    stored = db.session.scalar(db.select(SsoConfig.sp_private_key))
    assert stored and "PRIVATE KEY" not in stored
    requests.post(
        f"{idp}/_test/setup",
        json={"sp_metadata": [sp_metadata], "email": "lene@region.dk", "scenario": "ok"},
        timeout=10,
    ).raise_for_status()
    make_user("lene@region.dk", ANALYST, org)
    staff = app.test_client()
    saml_sign_in(staff, org.slug)
    assert signed_in(staff)


@pytest.mark.parametrize(
    ("path", "data", "text"),
    [
        ("oidc", {"oidc-discovery_url": "login.example", "oidc-client_id": "x"}, "hel adresse"),
        ("oidc", {"oidc-discovery_url": "https://idp.example/", "oidc-client_id": ""}, "klient-id"),
        ("saml", {"saml-metadata_xml": "<not xml"}, "ikke gyldig XML"),
        ("saml", {"saml-metadata_xml": "<a>no idp</a>"}, "IDPSSODescriptor"),
        ("saml", {"saml-metadata_url": "http://127.0.0.1:9/none"}, "kunne ikke hentes"),
        ("adgangskoder", {"pw-passwords_off": "y"}, "før adgangskoder slås fra"),
    ],
)
def test_sso_admin_bad_input_changes_nothing(admin_client, org, path, data, text):
    answer = post_form(admin_client, f"{_page(org)}/{path}", data, page_url=_page(org))
    assert answer.status_code == 400 and text in answer.text
    assert db.session.scalar(db.select(SsoConfig)) is None


def test_sso_admin_of_another_organisation_cannot_see_or_set_ours(client, org):
    other = make_organisation("Kommune B")
    session_login(client, make_user("admin@kommune.dk", ADMIN, other))
    assert client.get(_page(org)).status_code == 404
    answer = post_form(
        client,
        f"{_page(org)}/oidc",
        {"oidc-discovery_url": "https://evil.example/", "oidc-client_id": "x"},
        page_url=f"/staff/sso/organisation/{other.id}",
    )
    assert answer.status_code == 404
    assert db.session.scalar(db.select(SsoConfig)) is None


def test_sso_passwords_off_set_on_the_page(admin_client, app, provider, org):
    post_form(
        admin_client,
        f"{_page(org)}/oidc",
        {
            "oidc-discovery_url": f"{provider}/.well-known/openid-configuration",
            "oidc-client_id": "c",
        },
        page_url=_page(org),
    )
    answer = post_form(
        admin_client, f"{_page(org)}/adgangskoder", {"pw-passwords_off": "y"}, page_url=_page(org)
    )
    assert answer.status_code == 302
    user = make_user("lene@region.dk", ANALYST, org)
    staff = app.test_client()
    refused = post_form(staff, "/staff/log-ind", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400 and not signed_in(staff)
