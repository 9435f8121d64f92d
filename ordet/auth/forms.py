"""Sign-in forms: shape only. Who may sign in is decided in ``services``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Skriv din e-mail.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[DataRequired(_l("Skriv din adgangskode.")), Length(max=200)],
    )


class ForgotForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Skriv din e-mail.")), Length(max=254)],
        description=_l("Vi sender et link, du kan bruge én gang til at vælge en ny adgangskode."),
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Ny adgangskode"),
        validators=[
            DataRequired(_l("Skriv en adgangskode.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Adgangskoden skal have mindst %(n)s tegn.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
        description=_l("Mindst %(n)s tegn. En sætning er let at huske.", n=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Gentag adgangskoden"),
        validators=[
            DataRequired(_l("Skriv adgangskoden igen.")),
            EqualTo("password", _l("De to adgangskoder er ikke ens.")),
        ],
    )


class ButtonForm(FlaskForm):
    """Nothing but the CSRF token: for buttons such as "Log ud"."""
