"""A small national rollout for the national pages' and workbook's tests: two operators, five
institutions (one with too few answers), their organisation rounds in one national round,
finished through the real services and published (organisation releases, then the national)."""

from dataclasses import dataclass
from datetime import date

from ordet.extensions import db
from ordet.national.models import Institution, NationalRound
from ordet.national.releases import ensure_national_release

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response, release_all

OPENS, CLOSES = date(2025, 3, 1), date(2025, 6, 30)
# Institution name -> answers to "trives" and "tryg" (core questions of unge v1).
SIZES = {
    "Sølager": ["ja"] * 6 + ["nej"] * 2,
    "Stevnsfortet": ["ja"] * 3 + ["baade_og"] * 3,
    "Bakkegården": ["nej"] * 2,  # too few: hidden everywhere
    "Egely": ["ja"] * 5 + ["ved_ikke"] * 2,
    "Koglen": ["baade_og"] * 4 + ["ja"] * 2,
}
OPERATORS = {
    "Region Øst": ["Sølager", "Stevnsfortet", "Bakkegården"],
    "Region Vest": ["Egely", "Koglen"],
}


@dataclass
class NationalWorld:
    national_round: NationalRound
    rounds: dict  # operator name -> its organisation round
    organisations: dict  # operator name -> Organisation
    tilbud: dict  # institution name -> Tilbud
    outsider_round: object  # a round of the same operator taking part in no national round


def build(
    today: date | None = None,
    slug: str = "sikrede-2025",
    sizes: dict | None = None,
    operators: dict | None = None,
) -> NationalWorld:
    sizes, operators = sizes or SIZES, operators or OPERATORS
    national_round = NationalRound(slug=slug, name="Sikrede institutioner 2025", year=2025)
    db.session.add(national_round)
    db.session.flush()
    rounds, organisations, tilbud = {}, {}, {}
    for operator, names in operators.items():
        org = make_organisation(operator)
        area = make_specialomraade(org, f"Sikrede {operator}")
        organisations[operator] = org
        made = [make_tilbud(area, name, variant="unge") for name in names]
        tilbud.update(zip(names, made, strict=True))
        round_ = make_round(made, OPENS, CLOSES, versions={"unge": 1})
        round_.national_round_id = national_round.id
        rounds[operator] = round_
        for unit in made:
            db.session.add(Institution(tilbud_id=unit.id, planned_year=2025, planned_quarter=1))
    db.session.flush()
    for name, answers in sizes.items():
        round_ = next(rounds[o] for o, names in operators.items() if name in names)
        for i, answer in enumerate(answers):
            make_response(
                round_,
                tilbud[name],
                {"trives": answer, "tryg": "ja" if i % 2 else "baade_og", "hjaelp": "nej"},
                variant="unge",
            )
    first = next(iter(tilbud.values()))
    outsider = make_round([first], OPENS, CLOSES, slug=f"{slug}-egen", versions={"unge": 1})
    make_response(outsider, first, {"trives": "ja"}, variant="unge")
    for round_ in [*rounds.values(), outsider]:
        release_all(round_)
    ensure_national_release(national_round, today or date.today())
    db.session.commit()
    return NationalWorld(national_round, rounds, organisations, tilbud, outsider)
