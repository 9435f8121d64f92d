"""OpenID Connect sign-in with Authlib's Flask client: discovery, state, nonce, the code
exchange and the ID token's signature, issuer, audience and times are all Authlib's checks.

A client is made per request from the organisation's settings (they may change any time);
Authlib keeps the state and nonce of a started sign-in in the session.
"""

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import url_for
from joserfc.errors import ClaimError, JoseError
from requests import RequestException

from .accounts import Refused, account_for, use_once
from .models import DEFAULT_SCOPES, SsoConfig
from .secrets import unseal

LEEWAY_SECONDS = 60  # clock skew allowed between us and the IdP
HTTP_TIMEOUT = 10


def client_for(config: SsoConfig) -> FlaskOAuth2App:
    name = f"org{config.organisation_id}"
    return FlaskOAuth2App(
        FlaskIntegration(name),
        name,
        client_id=config.oidc_client_id,
        client_secret=unseal(config.oidc_client_secret),
        server_metadata_url=config.oidc_discovery_url,
        client_kwargs={
            "scope": config.oidc_scopes or DEFAULT_SCOPES,
            "timeout": HTTP_TIMEOUT,
            "code_challenge_method": "S256",  # PKCE, on top of state and nonce
        },
    )


def callback_url(config: SsoConfig) -> str:
    return url_for("sso.oidc_callback", slug=config.organisation.slug, _external=True)


def start(config: SsoConfig):
    """The redirect to the IdP (Authlib adds state and nonce and keeps them in the session)."""
    try:
        return client_for(config).authorize_redirect(callback_url(config))
    except (RequestException, OAuthError, ValueError, KeyError) as problem:
        raise Refused("provider", type(problem).__name__) from None


def _refusal(problem: Exception) -> Refused:
    name = type(problem).__name__
    if isinstance(problem, MismatchingStateError):
        return Refused("state", name)
    if isinstance(problem, ClaimError):
        reason = {
            "iss": "issuer",
            "aud": "audience",
            "azp": "audience",
            "nonce": "replay",
            "exp": "expired",
            "nbf": "expired",
            "iat": "expired",
        }.get(problem.claim, "provider")
        return Refused(reason, f"{name} {problem.claim}")
    if "Signature" in name or "KeyId" in name:
        return Refused("signature", name)
    return Refused("provider", name)


def finish(config: SsoConfig) -> tuple:
    """The user the IdP's answer (this request) vouches for, and the ID token for logout."""
    client = client_for(config)
    try:
        metadata = client.load_server_metadata()
        options = {
            "iss": {"essential": True, "values": [metadata.get("issuer")]},
            "aud": {"essential": True, "values": [config.oidc_client_id]},
        }
        token = client.authorize_access_token(claims_options=options, leeway=LEEWAY_SECONDS)
    except (OAuthError, JoseError, RequestException, ValueError) as problem:
        raise _refusal(problem) from None
    claims = token.get("userinfo")
    if not token.get("id_token") or claims is None:
        raise Refused("signature", "no id_token")
    use_once(config, "oidc", claims["iss"], str(claims.get("nonce", "")))
    if not claims.get("email") and metadata.get("userinfo_endpoint"):
        claims = _with_userinfo(client, token, claims)
    email = claims.get("email")
    user = account_for(config, email, verified=claims.get("email_verified", True) is not False)
    return user, token["id_token"]


def _with_userinfo(client: FlaskOAuth2App, token: dict, claims: dict) -> dict:
    """The email from the userinfo endpoint, for providers that keep it out of the ID token;
    only for the same subject the (checked) ID token is about."""
    try:
        info = client.userinfo(token=token)
    except (OAuthError, RequestException, ValueError) as problem:
        raise Refused("provider", f"userinfo {type(problem).__name__}") from None
    if info.get("sub") != claims.get("sub"):
        raise Refused("signature", "userinfo for another subject")
    return {**claims, "email": info.get("email"), "email_verified": info.get("email_verified")}


def logout_url(config: SsoConfig, id_token: str | None, after: str) -> str | None:
    """The IdP's end-session address (RP-initiated logout), when it has one."""
    try:
        metadata = client_for(config).load_server_metadata()
    except (RequestException, OAuthError, ValueError):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    hint = {"id_token_hint": id_token} if id_token else {"client_id": config.oidc_client_id}
    return client_for(config).create_logout_url(post_logout_redirect_uri=after, **hint)["url"]
