"""The forms an admin sets the organisation's IdP with: shape only (``settings`` checks)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import Length, Optional

# Several forms on one page, each with a prefix: the app-wide CSRFProtect checks the token.
NO_FORM_CSRF = {"csrf": False}
URL_LENGTH = [Optional(), Length(max=500, message=_l("Højst 500 tegn."))]


class OidcForm(FlaskForm):
    discovery_url = StringField(
        _l("Discovery-adresse (OpenID Connect)"),
        description=_l(
            "Fx https://login.microsoftonline.com/TENANT-ID/v2.0/.well-known/openid-configuration"
        ),
        validators=URL_LENGTH,
    )
    client_id = StringField(_l("Klient-id"), validators=[Length(max=200)])
    client_secret = PasswordField(
        _l("Klienthemmelighed"),
        description=_l("Tomt: den gemte hemmelighed beholdes. Den vises aldrig igen."),
    )
    scopes = StringField(_l("Scopes"), default="openid email profile", validators=[Length(max=200)])


class SamlForm(FlaskForm):
    metadata_url = StringField(
        _l("Adresse på login-tjenestens metadata (SAML)"),
        description=_l("Hentes, når du gemmer. Hent igen ved at gemme igen."),
        validators=URL_LENGTH,
    )
    metadata_xml = TextAreaField(
        _l("Eller indsæt metadata (XML)"),
        validators=[Optional(), Length(max=2_000_000, message=_l("Metadata er for stor."))],
    )


class PasswordsForm(FlaskForm):
    passwords_off = BooleanField(
        _l("Slå adgangskoder fra for organisationens brugere"),
        description=_l("Så logger de kun ind via organisationens eget login."),
    )


class ButtonForm(FlaskForm):
    pass
