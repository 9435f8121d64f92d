"""Admin forms: shape only. Uniqueness, scope and rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

NAME = [DataRequired(_l("Skriv et navn.")), Length(max=200, message=_l("Højst 200 tegn."))]
DATE_ERROR = _l("Skriv datoen som åååå-mm-dd.")


def options(pairs, optgroup=None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices, optionally in an <optgroup>."""
    return [SelectChoice(str(value), label, optgroup=optgroup) for value, label in pairs]


class Choice(SelectField):
    """A select whose value the service checks (WTForms' own message would be English)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class DanishDate(DateField):
    """A date field whose parse error is Danish."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None  # InputRequired says what is missing
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(DATE_ERROR)) from None


class NameForm(FlaskForm):
    name = StringField(_l("Navn"), validators=NAME)


class UnitForm(FlaskForm):
    name = StringField(_l("Navn"), validators=NAME)
    active = BooleanField(_l("Aktiv"), description=_l("En inaktiv enhed vises ikke i nye runder."))


class OrganisationForm(UnitForm):
    privacy_url = StringField(
        _l("Link til privatlivspolitik for pårørende"),
        description=_l(
            "Vises på alle sider, pårørende åbner fra deres mail. "
            "Tomt: systemets egen side om, hvad det gemmer."
        ),
        validators=[
            Optional(),
            Length(max=500, message=_l("Højst 500 tegn.")),
            Regexp(
                r"^https?://[^\s/]+\.[^\s]+$", message=_l("Skriv en hel adresse, fx https://...")
            ),
        ],
    )


class TilbudForm(FlaskForm):
    name = StringField(_l("Navn"), validators=NAME)
    specialomraade_id = Choice(_l("Specialområde"))  # checked by the service
    kiosk_variant = SelectField(
        _l("Spørgeskema på tablets"),
        choices=options([("borger", _l("Borgere (voksne)")), ("unge", _l("Unge"))]),
        validators=[InputRequired(_l("Vælg et spørgeskema."))],
    )
    active = BooleanField(_l("Aktiv"), default=True)


class RoundForm(FlaskForm):
    name = StringField(_l("Navn"), validators=NAME, description=_l('Fx "Ordet er dit 2026".'))
    organisation_id = Choice(_l("Organisation"))
    opens_on = DanishDate(_l("Startdato"), validators=[InputRequired(DATE_ERROR)])
    closes_on = DanishDate(_l("Slutdato"), validators=[InputRequired(DATE_ERROR)])
    version_borger = Choice(_l("Spørgeskema for borgere"))
    version_unge = Choice(_l("Spørgeskema for unge"))
    version_paaroerende = Choice(_l("Spørgeskema for pårørende"))
    national_round_id = Choice(
        _l("Landsdækkende runde"),
        description=_l("Runden skal bruge den landsdækkende rundes fælles spørgeskema."),
    )


class ExtendForm(FlaskForm):
    closes_on = DanishDate(_l("Ny slutdato"), validators=[InputRequired(DATE_ERROR)])


class PinForm(FlaskForm):
    pin = StringField(
        _l("Ny PIN-kode"),
        validators=[DataRequired(_l("Skriv en PIN-kode.")), Length(max=8)],
        description=_l("4 til 8 cifre. Den åbner tablettens indstillinger."),
    )


def _reads_comments() -> BooleanField:
    return BooleanField(
        _l("Må læse kommentarer"),
        description=_l(
            "Fritekstsvar inden for lederens eget område. Administratorer og analytikere kan "
            "altid læse kommentarer."
        ),
    )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Skriv en e-mail.")), Length(max=254)]
    )
    name = StringField(_l("Navn"), validators=[Optional(), Length(max=200)])
    role = Choice(_l("Rolle"), validators=[InputRequired(_l("Vælg en rolle."))])
    scope = Choice(
        _l("Område"),
        validators=[InputRequired(_l("Vælg et område."))],
        description=_l(
            "Organisation for administrator og analytiker; specialområde eller tilbud for ledere."
        ),
    )
    reads_comments = _reads_comments()


class GrantForm(FlaskForm):
    role = Choice(_l("Rolle"), validators=[InputRequired(_l("Vælg en rolle."))])
    scope = Choice(_l("Område"), validators=[InputRequired(_l("Vælg et område."))])
    reads_comments = _reads_comments()
