"""Signing out at the SAML IdP too (SP-initiated single logout, HTTP-Redirect, signed), when
the IdP's metadata has an endpoint for it. Our own session has ended before the browser goes."""

from saml2 import BINDING_HTTP_REDIRECT
from saml2.ident import code, decode
from saml2.xmldsig import SIG_RSA_SHA256

from .accounts import Refused
from .models import SsoConfig


def logout_info(response) -> dict:
    """What the logout request will need, kept in the staff session at sign-in."""
    info = response.session_info()
    return {
        "name_id": code(info["name_id"]) if info.get("name_id") is not None else "",
        "session_index": info.get("session_index") or "",
        "idp": str(info["issuer"]),
    }


def logout_url(config: SsoConfig, signed_in: dict) -> str | None:
    """The IdP's single-logout address with our signed LogoutRequest; None without one."""
    from .saml import sp_client

    if not signed_in.get("name_id") or not signed_in.get("idp"):
        return None
    try:
        with sp_client(config) as client:
            services = client.metadata.single_logout_service(
                signed_in["idp"], BINDING_HTTP_REDIRECT, "idpsso"
            )
            if not services:
                return None
            destination = services[0]["location"]
            index = signed_in.get("session_index")
            _, request = client.create_logout_request(
                destination,
                signed_in["idp"],
                name_id=decode(signed_in["name_id"]),
                session_indexes=[index] if index else None,
            )
            http = client.apply_binding(
                BINDING_HTTP_REDIRECT,
                str(request),
                destination,
                relay_state="",
                sign=True,
                sigalg=SIG_RSA_SHA256,
            )
    except (Refused, LookupError, ValueError):
        return None
    return dict(http["headers"])["Location"]
