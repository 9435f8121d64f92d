"""Staff forms: they check shape only; the rules live in ``services``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class UploadForm(FlaskForm):
    file = FileField(
        _l("Liste over pårørende (.xlsx eller .csv)"),
        description=_l("Højst 50.000 rækker. Brug gerne skabelonen."),
        validators=[FileRequired(_l("Vælg en fil."))],
    )


class ImportForm(FlaskForm):
    # An id: a number no row can have is refused here, not by the database.
    upload = IntegerField(validators=[DataRequired(), NumberRange(1, 2**31 - 1)])


class PlanForm(FlaskForm):
    contact = StringField(
        _l("Kontaktperson i mailen"),
        description=_l("Navn og telefon eller e-mail, som pårørende kan kontakte."),
        validators=[DataRequired(_l("Skriv, hvem pårørende kan kontakte.")), Length(max=300)],
    )
    first = DateField(_l("Første påmindelse"), validators=[Optional()])
    second = DateField(_l("Anden påmindelse (valgfri)"), validators=[Optional()])
    action = HiddenField(default="plan")
