"""Staff sign in through their organisation's SAML 2.0 IdP (issue 22).

The IdP is real (tests/idp/saml_idp.py: pysaml2's IdP side, its own process on 127.0.0.1);
pysaml2's SP side and xmlsec1 check its answers here.
"""

import base64
from datetime import datetime
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ordet.auth.models import ADMIN, ANALYST, User
from ordet.auth.sso.settings import rotate_sp_key, set_saml
from ordet.extensions import db

from .factories import make_organisation
from .idp import need_idp, running
from .sso_helpers import local, refusals, saml_answer, saml_sign_in, signed_in
from .staff_helpers import make_user, post_form

# SQLite only, except the sign-in itself and the replay check, which also run on PostgreSQL.
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    need_idp()
    with running("tests.idp.saml_idp", str(tmp_path_factory.mktemp("idp-a"))) as base:
        yield base


@pytest.fixture(scope="module")
def idp_b(tmp_path_factory):
    need_idp()
    with running("tests.idp.saml_idp", str(tmp_path_factory.mktemp("idp-b"))) as base:
        yield base


def _setup(idp: str, **values) -> None:
    requests.post(f"{idp}/_test/setup", json=values, timeout=10).raise_for_status()


def _connect(client, idp: str, name: str):
    """An organisation using ``idp``: its metadata in, our SP metadata out to the IdP."""
    organisation = make_organisation(name)
    set_saml(None, organisation, requests.get(f"{idp}/metadata", timeout=10).text)
    db.session.commit()
    return organisation, client.get(f"/staff/sso/{organisation.slug}/saml/metadata.xml").text


@pytest.fixture
def org(app, client, idp):
    organisation, sp_metadata = _connect(client, idp, "Region Test")
    _setup(idp, sp_metadata=[sp_metadata], scenario="ok", email="lene@region.dk")
    return organisation


@pytest.fixture
def lene(org):
    return make_user("lene@region.dk", ANALYST, org)


def test_saml_sign_in_results_page_and_logout(client, idp, org, lene):
    answer = saml_sign_in(client, org.slug)
    assert answer.status_code == 302 and answer.location.endswith("/staff/")
    assert client.get("/staff/resultater/").status_code == 200
    out = post_form(client, "/staff/log-ud", {}, page_url="/staff/")
    # Signed out here, and sent on to the IdP's single logout with our LogoutRequest.
    assert out.location.startswith(f"{idp}/slo/redirect?SAMLRequest=")
    at_idp = requests.get(out.location, allow_redirects=False, timeout=10)
    back = at_idp.headers["Location"]
    assert back.startswith(f"http://localhost/staff/sso/{org.slug}/saml/sls?SAMLResponse=")
    assert client.get(local(back)).location.endswith("/staff/log-ind")
    state = requests.get(f"{idp}/_test/state", timeout=10).json()
    assert state["logged_out"][-1] == lene.email
    assert not signed_in(client)
    assert client.get("/staff/resultater/").status_code == 302


@SQLITE
def test_saml_sp_metadata_has_its_own_key_per_organisation(client, idp, org):
    ours = client.get(f"/staff/sso/{org.slug}/saml/metadata.xml")
    other, theirs = _connect(client, idp, "Kommune B")
    assert ours.status_code == 200 and "AssertionConsumerService" in ours.text
    assert f"/staff/sso/{org.slug}/saml/acs" in ours.text
    certificate = ours.text.split("X509Certificate>")[1]
    assert certificate not in theirs


@SQLITE
def test_saml_sp_key_rotation_changes_the_published_certificate(client, org):
    before = client.get(f"/staff/sso/{org.slug}/saml/metadata.xml").text
    rotate_sp_key(None, org)
    db.session.commit()
    after = client.get(f"/staff/sso/{org.slug}/saml/metadata.xml").text
    assert before.split("X509Certificate>")[1] != after.split("X509Certificate>")[1]


@SQLITE
def test_saml_encrypted_assertion_is_read_with_the_sp_key(client, idp, org, lene):
    # As OIOSAML 3 (NemLog-in) sends them: encrypted to our SP certificate from our metadata.
    _setup(idp, scenario="encrypted")
    action, fields = saml_answer(client, org.slug)
    assert "EncryptedAssertion" in base64.b64decode(fields["SAMLResponse"]).decode()
    assert client.post(local(action), data=fields).status_code == 302
    assert signed_in(client)


@SQLITE
def test_saml_small_clock_skew_is_allowed(client, idp, org, lene):
    _setup(idp, scenario="skewed")
    saml_sign_in(client, org.slug)
    assert signed_in(client)


@pytest.mark.parametrize(
    ("scenario", "reason", "text"),
    [
        ("unsigned", "signature", "ikke underskrevet korrekt"),
        ("foreign_key", "signature", "ikke underskrevet korrekt"),
        ("tampered", "signature", "ikke underskrevet korrekt"),
        ("expired", "expired", "for gammelt eller endnu ikke gyldigt"),
        ("not_yet_valid", "expired", "for gammelt eller endnu ikke gyldigt"),
        ("no_email", "email", "bekræftet e-mailadresse"),
    ],
)
@SQLITE
def test_saml_refuses_bad_assertion(client, idp, org, lene, scenario, reason, text):
    _setup(idp, scenario=scenario)
    answer = saml_sign_in(client, org.slug)
    assert answer.status_code == 403, answer.text
    assert text in answer.text and "Du er ikke logget ind" in answer.text
    assert not signed_in(client)
    assert len(refusals(reason)) == 1, refusals()[0].detail


@SQLITE
def test_saml_refuses_assertion_for_another_audience(client, idp, org, lene):
    other, other_metadata = _connect(client, idp, "Kommune B")
    ours = client.get(f"/staff/sso/{org.slug}/saml/metadata.xml").text
    other_sp = f"http://localhost/staff/sso/{other.slug}/saml/metadata.xml"
    _setup(idp, sp_metadata=[ours, other_metadata], scenario="wrong_audience", other_sp=other_sp)
    answer = saml_sign_in(client, org.slug)
    assert answer.status_code == 403 and "ikke udstedt til denne tjeneste" in answer.text
    assert not signed_in(client) and len(refusals("audience")) == 1


def test_saml_refuses_replayed_assertion(client, app, org, lene):
    action, fields = saml_answer(client, org.slug)
    assert client.post(local(action), data=fields).status_code == 302
    post_form(client, "/staff/log-ud", {}, page_url="/staff/")
    # The same posted answer again, from this browser and from another one.
    again = client.post(local(action), data=fields)
    assert again.status_code == 403 and "allerede brugt" in again.text
    stranger = app.test_client()
    assert stranger.post(local(action), data=fields).status_code == 403
    assert not signed_in(client) and not signed_in(stranger)
    assert len(refusals("replay")) == 2


@SQLITE
def test_saml_refuses_answer_from_another_issuer(client, idp, idp_b, org, lene):
    # Our request, answered by an IdP the organisation never chose (validly signed by it).
    ours = client.get(f"/staff/sso/{org.slug}/saml/metadata.xml").text
    _setup(idp_b, sp_metadata=[ours], scenario="ok", email=lene.email, aliases=[idp])
    answer = saml_sign_in(client, org.slug, idp=idp_b)
    assert answer.status_code == 403 and "en anden login-tjeneste" in answer.text
    assert not signed_in(client) and len(refusals("issuer")) == 1


@SQLITE
def test_saml_unknown_email_creates_no_account(client, idp, org):
    _setup(idp, email="ny@region.dk")
    answer = saml_sign_in(client, org.slug)
    assert answer.status_code == 403 and "ingen bruger" in answer.text
    assert db.session.scalar(db.select(User).where(User.email == "ny@region.dk")) is None
    assert not signed_in(client) and len(refusals("unknown_user")) == 1


@SQLITE
def test_sso_saml_idp_of_another_organisation_cannot_sign_in_our_user(client, idp_b, org):
    lene = make_user("lene@region.dk", ADMIN, org)
    other, other_metadata = _connect(client, idp_b, "Kommune B")
    _setup(idp_b, sp_metadata=[other_metadata], scenario="ok", email=lene.email)
    answer = saml_sign_in(client, other.slug)
    assert answer.status_code == 403 and "anden organisation" in answer.text
    assert not signed_in(client)
    assert {e.organisation_id for e in refusals("other_organisation")} == {org.id, other.id}
    # Nor does B's answer count when posted to our organisation's address.
    action, fields = saml_answer(client, other.slug)
    crossed = client.post(f"/staff/sso/{org.slug}/saml/acs", data=fields)
    assert crossed.status_code == 403 and not signed_in(client)


@SQLITE
def test_saml_sp_key_from_outside_is_used_and_a_mismatch_refused(app, client, idp, org, lene):
    # An operator's own pair (as an OCES3 system certificate would be), by the CLI.
    folder = Path(app.instance_path)
    _, their_metadata = _connect(client, idp, "Kommune B")  # its own, different pair
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "oces3 test")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime(2026, 1, 1))
        .not_valid_after(datetime(2036, 1, 1))
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    key_file, cert_file = folder / "sp.key", folder / "sp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    runner = app.test_cli_runner()
    wrong = folder / "other.crt"
    wrong.write_text(
        "-----BEGIN CERTIFICATE-----\n"
        + their_metadata.split("X509Certificate>")[1].split("<")[0]
        + "\n-----END CERTIFICATE-----\n"
    )
    refused = runner.invoke(
        args=["sso-sp-key", org.slug, "--key", str(key_file), "--cert", str(wrong)]
    )
    assert refused.exit_code != 0 and "hører ikke sammen" in refused.output
    done = runner.invoke(
        args=["sso-sp-key", org.slug, "--key", str(key_file), "--cert", str(cert_file)]
    )
    assert done.exit_code == 0, done.output
    ours = client.get(f"/staff/sso/{org.slug}/saml/metadata.xml").text
    pem_body = "".join(cert.public_bytes(serialization.Encoding.PEM).decode().splitlines()[1:-1])
    assert pem_body in ours.replace("\n", "")
    # The IdP gets the new metadata; signing in works with the new key.
    _setup(idp, sp_metadata=[ours])
    assert saml_sign_in(client, org.slug).status_code == 302 and signed_in(client)
