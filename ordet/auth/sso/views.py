"""The sign-in routes of each organisation's IdP, under /staff/sso/<organisation>/."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ...extensions import csrf, limiter
from .accounts import Refused, config_of, record_refusal, sign_in
from .models import SsoConfig

bp = Blueprint("sso", __name__, url_prefix="/staff/sso")
# Per client address: starting sign-ins stores a little (a SAML request, OIDC state), and
# every answer costs the IdP round trips and signature checks.
LIMIT = limiter.limit(lambda: current_app.config["SSO_RATE_LIMIT"])
# A session cookie has room for about 4 kB: a larger ID token is not kept for sign-out.
MAX_ID_TOKEN_HINT = 1500


def _refused(config: SsoConfig | None, protocol: str, refused: Refused):
    record_refusal(config, protocol, refused)
    return render_template("auth/sso_refused.html", message=refused.message), 403


def _config(slug: str, protocol: str) -> SsoConfig:
    config = config_of(slug)
    ready = config is not None and (config.oidc_ready if protocol == "oidc" else config.saml_ready)
    if not ready:
        abort(404)
    return config


@bp.get("/")
def choose():
    """The login page's organisation choice: to that organisation's IdP."""
    config = config_of(request.args.get("organisation", ""))
    if config is None or not (config.oidc_ready or config.saml_ready):
        if current_user.is_authenticated:  # already in: nothing to choose
            return redirect(url_for("admin.home"))
        return redirect(url_for("auth.login", sso="ukendt"))
    protocol = "oidc" if config.oidc_ready else "saml"
    return redirect(url_for(f".{protocol}_start", slug=config.organisation.slug))


@bp.get("/<slug>/oidc/start")
@LIMIT
def oidc_start(slug: str):
    from . import oidc

    config = _config(slug, "oidc")
    try:
        return oidc.start(config)
    except Refused as refused:
        return _refused(config, "oidc", refused)


@bp.get("/<slug>/oidc/callback")
@LIMIT
def oidc_callback(slug: str):
    from . import oidc

    config = _config(slug, "oidc")
    try:
        user, id_token = oidc.finish(config)
    except Refused as refused:
        return _refused(config, "oidc", refused)
    hint = {"id_token": id_token} if len(id_token) <= MAX_ID_TOKEN_HINT else {}
    sign_in(config, user, "oidc", hint)
    return redirect(url_for("admin.home"))


@bp.get("/<slug>/saml/metadata.xml")
def saml_metadata(slug: str):
    from . import saml

    config = _config(slug, "saml")
    try:
        xml = saml.metadata_xml(config)
    except Refused:
        abort(503)
    return Response(xml, mimetype="application/samlmetadata+xml")


@bp.get("/<slug>/saml/start")
@LIMIT
def saml_start(slug: str):
    from . import saml

    config = _config(slug, "saml")
    try:
        return redirect(saml.start(config))
    except Refused as refused:
        return _refused(config, "saml", refused)


@bp.post("/<slug>/saml/acs")
@csrf.exempt  # the IdP's signed answer, posted cross-site; pysaml2 checks it instead
@LIMIT
def saml_acs(slug: str):
    from . import saml

    config = _config(slug, "saml")
    try:
        user, logout = saml.finish(config, request.form.get("SAMLResponse", ""))
    except Refused as refused:
        return _refused(config, "saml", refused)
    sign_in(config, user, "saml", logout)
    return redirect(url_for("admin.home"))


@bp.get("/<slug>/saml/sls")
def saml_sls(slug: str):
    """Back from signing out at the IdP: our session ended before the browser went there."""
    return redirect(url_for("auth.login"))


def sso_logout_url(signed_in: dict | None) -> str | None:
    """Where to sign out at the IdP after our session ends (OpenID Connect's end-session
    endpoint, SAML single logout); None when signed in with a password or the IdP has none."""
    if not signed_in:
        return None
    config = config_of(signed_in.get("organisation", ""))
    if config is not None and signed_in.get("protocol") == "saml" and config.saml_ready:
        from .saml_logout import logout_url

        return logout_url(config, signed_in)
    if config is None or signed_in.get("protocol") != "oidc" or not config.oidc_ready:
        return None
    from . import oidc

    return oidc.logout_url(config, signed_in.get("id_token"), url_for("auth.login", _external=True))
