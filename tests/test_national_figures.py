"""National figures: a recount from the raw answers, suppression, and the insider's attack.

Three operators take part in a national round. Operator A has two institutions, G (20) and
K (3), and a tilbud Y (8) beside them in the same specialområde that is not in the rollout;
B has S (12), C has E (7). A's own release hides K (3) and, to protect it, Y; it shows G and
the specialområde. A's staff hold those numbers, and the national ones too.
"""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ordet.answering.models import Answer, Response
from ordet.extensions import db
from ordet.national.figures import core_questionnaire, landsplan_for, national_results
from ordet.national.models import Institution, NationalRelease, NationalRound
from ordet.national.releases import publish_national
from ordet.results.aggregate import round_results
from ordet.results.releases import publish
from ordet.weeks import week_of

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response

MONDAY = week_of(date.today()) - timedelta(days=7 * 4)
PUBLISHED = MONDAY + timedelta(days=8)
SIZES = {"G": 20, "K": 3, "Y": 8, "S": 12, "E": 7}
FACES = ("ja", "baade_og", "nej", "ja", "ved_ikke")


def answers(i: int) -> dict[str, str]:
    return {
        "trives": FACES[i % 5],
        "tryg": FACES[(i + 1) % 5],
        "tryg_andre_unge": FACES[(i + 2) % 5],
        "bliver_hoert": FACES[(i + 3) % 5],
    }


@pytest.fixture
def nation(app):
    national = NationalRound(slug="sikrede-2025", name="Sikrede 2025", year=2025)
    db.session.add(national)
    db.session.flush()
    units, rounds = {}, {}
    for org_name, names in (("A", ("G", "K", "Y")), ("B", ("S",)), ("C", ("E",))):
        area = make_specialomraade(make_organisation(f"Drift {org_name}"), f"Område {org_name}")
        tilbud = [make_tilbud(area, name, variant="unge") for name in names]
        units |= dict(zip(names, tilbud, strict=True))
        round_ = make_round(tilbud, MONDAY - timedelta(days=7), date.today() + timedelta(days=30))
        round_.national_round_id = national.id
        rounds[org_name] = round_
        for unit in tilbud:
            if unit.name != "Y":
                db.session.add(Institution(tilbud_id=unit.id, planned_year=2025, planned_quarter=1))
            for i in range(SIZES[unit.name]):
                make_response(round_, unit, answers(i), variant="unge", when=MONDAY)
    for round_ in rounds.values():
        assert publish(round_, "unge", PUBLISHED) is not None
    release = publish_national(national, PUBLISHED)
    assert release is not None
    db.session.commit()
    return national, units, rounds


def recount(units) -> dict:
    """From the raw answers: respondents and answers on the scale, per institution."""
    core = core_questionnaire(db.session.scalar(select(NationalRound)))
    scale = {q.key: {o.code for o in q.options if not o.special} for q in core.questions}
    found: dict = defaultdict(int)
    for response in db.session.scalars(
        select(Response).where(Response.status.in_(("complete", "partial")))
    ):
        found[("n", response.tilbud_id)] += 1
    for answer, tilbud_id in db.session.execute(
        select(Answer, Response.tilbud_id).join(Response, Response.id == Answer.response_id)
    ):
        if answer.value in scale.get(answer.question_key, ()):
            found[(answer.question_key, tilbud_id)] += 1
    return found


def test_every_national_figure_is_a_recount_of_the_raw_answers_or_hidden(nation):
    national, units, _rounds = nation
    results = national_results(national)
    counted = recount(units)
    institutions = {("tilbud", units[n].id): [units[n].id] for n in ("G", "K", "S", "E")}
    operators = defaultdict(list)
    for node in institutions:
        operators[results.tree.parent[node]].append(node[1])
    nodes = {**institutions, **operators, results.root: [units[n].id for n in "GKSE"]}
    shown = 0
    for node, members in nodes.items():
        cells = [("n", results.responses[node])] + [
            (q.key, results.questions[q.key][node]) for q in results.scale_questions()
        ]
        for key, stats in cells:
            expected = sum(counted[(key, t)] for t in members)
            value = stats.n if key == "n" else stats.scale_n
            if stats.hidden:
                assert stats.positive_share is None
                continue
            shown += 1
            assert value == expected, (key, node)
            assert not 0 < value < results.threshold, (key, node)
    assert shown > 0
    assert not results.responses[results.root].hidden
    assert results.responses[results.root].n == sum(SIZES[n] for n in "GKSE")


def test_an_institution_its_own_organisation_hides_is_hidden_nationally(nation):
    national, units, rounds = nation
    own = round_results(rounds["A"], "unge")
    assert own.responses[("tilbud", units["K"].id)].hidden
    results = national_results(national)
    assert results.responses[("tilbud", units["K"].id)].hidden


def test_an_operators_staff_cannot_subtract_their_own_page_from_the_national_figures(nation):
    """A's staff read G on their own page; were A's operator total shown nationally, K (3)
    would be that total minus G. And with the national figure, B and C shown, so would A."""
    national, units, rounds = nation
    own = round_results(rounds["A"], "unge")
    g = own.responses[("tilbud", units["G"].id)]
    assert not g.hidden and g.n == 20
    results = national_results(national)
    operator_a = results.tree.parent[("tilbud", units["G"].id)]
    for key in ("n", *(q.key for q in results.scale_questions())):
        cells = results.responses if key == "n" else results.questions[key]
        assert cells[operator_a].hidden, key
        others = [n for n in results.tree.children[results.root] if n != operator_a]
        assert not cells[results.root].hidden, key
        assert any(cells[n].hidden for n in others), key


def test_organisation_pages_get_the_national_figure_of_their_national_round(nation):
    national, _units, rounds = nation
    for round_ in rounds.values():
        landsplan = landsplan_for(round_)
        assert landsplan is not None
        assert landsplan.responses[landsplan.root].n == 42
    national_round_id = rounds["A"].national_round_id
    rounds["A"].national_round_id = None
    assert landsplan_for(rounds["A"]) is None
    rounds["A"].national_round_id = national_round_id


def test_no_new_national_release_in_the_same_week(nation):
    national, _units, _rounds = nation
    from ordet.national.releases import is_due

    assert not is_due(national, PUBLISHED)


def test_a_national_release_never_moves_an_institution_by_fewer_than_the_threshold(nation):
    """Two more answers at S, five at a new tilbud Z of B's that is not in the rollout: B's
    own release moves by seven, S by two. Were S shown in both national releases, the two
    new answers at S could be read off the difference."""
    national, units, rounds = nation
    from ordet.rounds.models import RoundTilbud

    later = MONDAY + timedelta(days=7)
    z = make_tilbud(units["S"].specialomraade, "Z", variant="unge")
    db.session.add(RoundTilbud(round_id=rounds["B"].id, tilbud_id=z.id, borgere_served=10))
    for i in range(2):
        make_response(rounds["B"], units["S"], answers(i), variant="unge", when=later)
    for i in range(5):
        make_response(rounds["B"], z, answers(i), variant="unge", when=later)
    assert publish(rounds["B"], "unge", later + timedelta(days=8)) is not None
    first = national_results(national)
    second_release = publish_national(national, later + timedelta(days=8))
    assert second_release is not None and second_release.number == 2
    second = national_results(national, second_release)
    s = ("tilbud", units["S"].id)
    before, after = first.responses[s], second.responses[s]
    assert before.hidden or after.hidden
    operator_b = second.tree.parent[s]
    assert first.responses[operator_b].hidden or second.responses[operator_b].hidden
    assert first.responses[first.root].hidden or second.responses[second.root].hidden


def test_an_institution_taken_out_of_the_rollout_stays_in_the_sums_it_was_published_in(nation):
    """K (3, hidden) is removed from the rollout after the first national release. Were it
    left out of the second, the national figure would drop by exactly K's answers."""
    national, units, rounds = nation
    from ordet.rounds.models import RoundTilbud

    db.session.delete(db.session.get(Institution, units["K"].id))
    later = MONDAY + timedelta(days=7)
    z = make_tilbud(units["S"].specialomraade, "Z", variant="unge")
    db.session.add(RoundTilbud(round_id=rounds["B"].id, tilbud_id=z.id, borgere_served=10))
    for i in range(6):
        make_response(rounds["B"], units["S"], answers(i), variant="unge", when=later)
    assert publish(rounds["B"], "unge", later + timedelta(days=8)) is not None
    second = publish_national(national, later + timedelta(days=8))
    assert second is not None
    results = national_results(national, second)
    assert ("tilbud", units["K"].id) in results.tree.units
    assert results.responses[results.root].n == 42 + 6


def test_audit_disclosure_replays_the_national_releases_as_analyst_and_as_each_operator(
    nation, runner
):
    national, _units, _rounds = nation
    passed = runner.invoke(args=["audit-disclosure", "--national", national.slug])
    assert passed.exit_code == 0, passed.output
    assert "landsanalytikeren og af hver driftsherres" in passed.output
    assert "Drift A" in passed.output and "Ingen gruppe under grænsen" in passed.output
    # Tampered to show everything: the operator's staff read K off their own page.
    release = db.session.scalar(select(NationalRelease))
    release.hidden_json = "[]"
    db.session.commit()
    failed = runner.invoke(args=["audit-disclosure", "--national", national.slug])
    assert failed.exit_code == 1
    assert "AFSLØRET" in failed.output
    wrong = runner.invoke(args=["audit-disclosure", "--national", "findes-ikke"])
    assert wrong.exit_code == 1 and "Landsrunden findes ikke" in wrong.output
    both = runner.invoke(args=["audit-disclosure", "--national", national.slug, "--round", "x"])
    assert both.exit_code == 2 and "enten --round eller --national" in both.output
