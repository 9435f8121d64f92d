from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Tilmeldingskode"),
        validators=[DataRequired(_l("Skriv koden.")), Length(max=40)],
        description=_l("Koden står på siden, hvor du lavede den, fx ABCDE-FGHJK."),
    )
    label = StringField(
        _l("Navn på tablet (valgfrit)"),
        validators=[Length(max=120, message=_l("Højst 120 tegn."))],
        description=_l('Fx "Tablet i fællesstuen".'),
    )
