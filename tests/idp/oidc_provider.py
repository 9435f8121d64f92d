"""A small OpenID Connect provider for the SSO tests: discovery, authorization code flow,
RS256-signed ID tokens (joserfc, the JOSE library Authlib itself uses), JWKS, end-session.

Run by the tests as its own process on 127.0.0.1 (``python -m tests.idp.oidc_provider PORT``).
It plays a real IdP over HTTP; the tests pick which user is signed in at it and, through
``/_test/scenario``, how it misbehaves (a wrong issuer or audience, a clock off by an hour,
an old ID token handed out again, no email, a signature by a key it never published).
"""

import secrets
import sys
import time
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

app = Flask(__name__)
KEY = RSAKey.generate_key(2048, parameters={"kid": "idp-key", "use": "sig", "alg": "RS256"})
# A key the provider never publishes: an ID token signed with it is forged.
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "idp-key", "use": "sig"})
STATE = {
    "clients": {},  # client_id -> {"secret": ..., "redirect_uris": [...]}
    "email": "",  # who is signed in at the provider
    "scenario": "ok",
    "codes": {},
    "last_id_token": None,
    "logouts": 0,
}


def issuer() -> str:
    return request.host_url.rstrip("/")


@app.post("/_test/setup")
def setup():
    data = request.get_json()
    if "client_id" in data:
        STATE["clients"][data["client_id"]] = {
            "secret": data["client_secret"],
            "redirect_uris": data["redirect_uris"],
        }
    for name in ("email", "scenario"):
        if name in data:
            STATE[name] = data[name]
    return jsonify(ok=True)


@app.get("/_test/state")
def state():
    return jsonify(logouts=STATE["logouts"], scenario=STATE["scenario"])


@app.get("/.well-known/openid-configuration")
def discovery():
    base = issuer()
    return jsonify(
        issuer=base,
        authorization_endpoint=f"{base}/authorize",
        token_endpoint=f"{base}/token",
        jwks_uri=f"{base}/jwks",
        end_session_endpoint=f"{base}/end-session",
        response_types_supported=["code"],
        subject_types_supported=["public"],
        id_token_signing_alg_values_supported=["RS256"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        scopes_supported=["openid", "email", "profile"],
    )


@app.get("/jwks")
def jwks():
    return jsonify(KeySet([KEY]).as_dict(private=False))


@app.get("/authorize")
def authorize():
    client = STATE["clients"].get(request.args.get("client_id"))
    redirect_uri = request.args.get("redirect_uri")
    if client is None or redirect_uri not in client["redirect_uris"]:
        abort(400, "unknown client or redirect_uri")
    if (
        request.args.get("response_type") != "code"
        or "openid" not in request.args.get("scope", "").split()
    ):
        abort(400, "bad request")
    code = secrets.token_urlsafe(24)
    STATE["codes"][code] = {
        "client_id": request.args["client_id"],
        "redirect_uri": redirect_uri,
        "nonce": request.args.get("nonce"),
        "email": STATE["email"],
    }
    query = {"code": code, "state": request.args.get("state", "")}
    return redirect(f"{redirect_uri}?{urlencode(query)}")


def _client_auth() -> str | None:
    auth = request.authorization
    if auth is not None:
        client_id, secret = auth.username, auth.password
    else:
        client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    client = STATE["clients"].get(client_id)
    if client is None or not secrets.compare_digest(client["secret"], secret or ""):
        return None
    return client_id


def _claims(grant: dict, client_id: str) -> dict:
    now = int(time.time())
    scenario = STATE["scenario"]
    shift = {"expired": -3600, "not_yet_valid": 3600, "skewed": 30}.get(scenario, 0)
    claims = {
        "iss": "https://another-issuer.example" if scenario == "wrong_issuer" else issuer(),
        "sub": "sub-" + grant["email"],
        "aud": "another-client" if scenario == "wrong_audience" else client_id,
        "iat": now + shift,
        "exp": now + shift + 300,
        "nonce": grant["nonce"],
        "email": grant["email"],
        "email_verified": scenario != "unverified_email",
    }
    if scenario == "not_yet_valid":
        claims["nbf"] = now + shift
    if scenario == "no_email":
        del claims["email"], claims["email_verified"]
    return claims


@app.post("/token")
def token():
    client_id = _client_auth()
    if client_id is None:
        return jsonify(error="invalid_client"), 401
    grant = STATE["codes"].pop(request.form.get("code", ""), None)
    if (
        grant is None
        or grant["client_id"] != client_id
        or grant["redirect_uri"] != request.form.get("redirect_uri")
    ):
        return jsonify(error="invalid_grant"), 400
    key = OTHER_KEY if STATE["scenario"] == "bad_signature" else KEY
    id_token = jwt.encode({"alg": "RS256", "kid": "idp-key"}, _claims(grant, client_id), key)
    if STATE["scenario"] == "replay" and STATE["last_id_token"]:
        id_token = STATE["last_id_token"]
    STATE["last_id_token"] = id_token
    return jsonify(
        access_token=secrets.token_urlsafe(24),
        token_type="Bearer",
        expires_in=300,
        id_token=id_token,
    )


@app.get("/end-session")
def end_session():
    STATE["logouts"] += 1
    target = request.args.get("post_logout_redirect_uri")
    if target:
        return redirect(target)
    return "Signed out"


if __name__ == "__main__":
    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)
