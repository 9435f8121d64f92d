"""The national level's forms: shape only. The services check every value (and say so in
Danish), so the selects accept anything and the numbers arrive as text."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..admin.forms import NAME, Choice, options
from .models import QUARTERS
from .services import PLAN_YEARS


class NationalRoundForm(FlaskForm):
    name = StringField(
        _l("Navn"),
        validators=NAME,
        description=_l('Fx "Ordet er dit – sikrede institutioner 2025".'),
    )
    slug = StringField(
        _l("Kort adresse"),
        validators=[DataRequired(_l("Skriv en kort adresse.")), Length(max=80)],
        description=_l("Små bogstaver, tal og bindestreger, fx sikrede-2025."),
    )
    year = StringField(_l("År"), validators=[DataRequired(_l("Skriv et år."))])


def plan_fields(form) -> None:
    form.planned_year.choices = options([("", _l("Vælg år"))] + [(y, y) for y in PLAN_YEARS])
    form.planned_quarter.choices = options(
        [("", _l("Vælg kvartal"))] + [(q, _l("%(n)s. kvartal", n=q)) for q in QUARTERS]
    )


class InstitutionForm(FlaskForm):
    tilbud_id = Choice(_l("Tilbud"), validators=[InputRequired(_l("Vælg et tilbud."))])
    planned_year = Choice(_l("Planlagt start: år"), validators=[InputRequired(_l("Vælg et år."))])
    planned_quarter = Choice(
        _l("Planlagt start: kvartal"), validators=[InputRequired(_l("Vælg et kvartal."))]
    )


class AnalystForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Skriv en e-mail.")), Length(max=254)]
    )
    name = StringField(_l("Navn"), validators=[Optional(), Length(max=200)])
