"""A SAML 2.0 IdP for the SSO tests, built on pysaml2's own IdP side (``saml2.server``).

Run by the tests as its own process on 127.0.0.1
(``python -m tests.idp.saml_idp PORT FOLDER``): it reads our signed AuthnRequest (HTTP-Redirect)
and answers with a signed assertion in the auto-posting form (HTTP-POST) real IdPs use. The
tests pick the signed-in user and, through ``/_test/setup``, how it misbehaves: no signature,
a signature by a key it never published, an assertion changed after signing, an answer for
another SP, its clock an hour off, no email; ``aliases`` lets it take requests that were
meant for another IdP (to play an IdP the organisation never chose).
"""

import datetime as _datetime
import shutil
import sys
import time as _time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, Response, jsonify, redirect, request
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, time_util
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server

app = Flask(__name__)
STATE = {
    "sp_metadata": [],
    "email": "",
    "scenario": "ok",
    "shift": 0,
    "other_sp": "",
    "aliases": [],
    "logged_out": [],  # the NameIDs our SP signed out here
}
FOLDER = Path(".")


class _ShiftedTime:
    """``time`` for pysaml2's time_util, as read from this IdP's clock (off by ``shift``)."""

    def __getattr__(self, name):
        return getattr(_time, name)

    def time(self):
        return _time.time() + STATE["shift"]

    def gmtime(self, seconds=None):
        return _time.gmtime(self.time() if seconds is None else seconds)


class _ShiftedDatetime(_datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return _datetime.datetime.now(tz) + _datetime.timedelta(seconds=STATE["shift"])


time_util.time = _ShiftedTime()
time_util.datetime = _ShiftedDatetime


def make_keypair(name: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test idp {name}")])
    now = _datetime.datetime.now(_datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _datetime.timedelta(days=1))
        .not_valid_after(now + _datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (FOLDER / f"{name}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (FOLDER / f"{name}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def server(keypair: str = "idp") -> Server:
    base = request.host_url.rstrip("/")
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata",
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": str(FOLDER / f"{keypair}.key"),
            "cert_file": str(FOLDER / f"{keypair}.crt"),
            "metadata": {"inline": STATE["sp_metadata"]},
            "service": {
                "idp": {
                    "endpoints": {
                        "single_logout_service": [(f"{base}/slo/redirect", BINDING_HTTP_REDIRECT)],
                        "single_sign_on_service": [
                            (f"{url}/sso/redirect", BINDING_HTTP_REDIRECT)
                            for url in [base, *STATE["aliases"]]
                        ],
                    },
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_TRANSIENT],
                }
            },
        }
    )
    return Server(config=config)


@app.post("/_test/setup")
def setup():
    data = request.get_json()
    for name in ("sp_metadata", "email", "scenario", "other_sp", "aliases"):
        if name in data:
            STATE[name] = data[name]
    STATE["shift"] = {"expired": -3600, "not_yet_valid": 3600, "skewed": 30}.get(
        STATE["scenario"], 0
    )
    return jsonify(ok=True)


@app.get("/_test/state")
def state():
    return jsonify(scenario=STATE["scenario"], logged_out=STATE["logged_out"])


@app.get("/slo/redirect")
def single_logout():
    idp = server()
    logout = idp.parse_logout_request(request.args["SAMLRequest"], BINDING_HTTP_REDIRECT)
    STATE["logged_out"].append(logout.message.name_id.text)
    answer = idp.create_logout_response(logout.message, [BINDING_HTTP_REDIRECT])
    binding, destination = idp.pick_binding(
        "single_logout_service", [BINDING_HTTP_REDIRECT], "spsso", logout.message
    )
    http = idp.apply_binding(
        binding, str(answer), destination, request.args.get("RelayState", ""), response=True
    )
    return redirect(dict(http["headers"])["Location"])


@app.get("/metadata")
def metadata():
    return Response(str(entity_descriptor(server().config)), mimetype="application/xml")


@app.get("/sso/redirect")
def single_sign_on():
    scenario, email = STATE["scenario"], STATE["email"]
    idp = server("other" if scenario == "foreign_key" else "idp")
    authn_request = idp.parse_authn_request(request.args["SAMLRequest"], BINDING_HTTP_REDIRECT)
    args = idp.response_args(authn_request.message, [BINDING_HTTP_POST])
    if scenario == "wrong_audience":
        args["sp_entity_id"] = STATE["other_sp"]
    identity = {"mail": [email], "givenName": ["Test"]}
    name_id = NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email)
    if scenario == "no_email":
        identity = {"givenName": ["Test"]}
        name_id = NameID(format=NAMEID_FORMAT_TRANSIENT, text="a1b2c3")
    signed = scenario != "unsigned"
    answer = str(
        idp.create_authn_response(
            identity,
            userid=email,
            name_id=name_id,
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=signed,
            sign_response=scenario == "encrypted",
            encrypt_assertion=scenario == "encrypted",
            **args,
        )
    )
    if scenario == "tampered":  # changed after signing: the signature no longer holds
        answer = answer.replace(email, "direktoer@region.dk")
    http = idp.apply_binding(
        BINDING_HTTP_POST,
        answer,
        args["destination"],
        request.args.get("RelayState", ""),
        response=True,
    )
    return http["data"]


if __name__ == "__main__":
    from werkzeug.serving import run_simple

    FOLDER = Path(sys.argv[2])
    make_keypair("idp")
    make_keypair("other")
    run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)
