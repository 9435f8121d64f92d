"""Every aggregate against a straightforward recount from the raw answers."""

from collections import Counter, defaultdict
from datetime import date

import pytest

from ordet.answering.models import COMPLETE, PARTIAL, Answer, Response
from ordet.extensions import db
from ordet.questionnaires import loader
from ordet.results.aggregate import previous_results, round_results
from ordet.results.counts import recount
from ordet.results.linked import GROUPS, NOT_STATED
from ordet.results.models import ResultCount

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import generate, install_borger_v2, release_all


def group_of(helped: str | None) -> str:
    return next((g for g, (_l, codes) in GROUPS.items() if (helped or "") in codes), NOT_STATED)


def raw_counts(round_id, variant, tilbud_ids, group=None):
    """question key -> Counter(value) straight from the answers of finished responses."""
    counts = defaultdict(Counter)
    rows = db.session.execute(
        db.select(Answer.question_key, Answer.value, Response.assisted)
        .join(Response)
        .where(
            Response.round_id == round_id,
            Response.questionnaire == variant,
            Response.tilbud_id.in_(tilbud_ids),
            Response.status.in_((COMPLETE, PARTIAL)),
        )
    )
    for key, value, helped in rows:
        if group is None or group_of(helped) == group:
            counts[key][value] += 1
    return counts


def expected(question, counter):
    scale = {o.code: o for o in question.options if not o.special}
    scale_n = sum(n for code, n in counter.items() if code in scale)
    positive = sum(n for code, n in counter.items() if code in scale and scale[code].positive)
    scored = [(scale[c].score, n) for c, n in counter.items() if c in scale and scale[c].score]
    scored_n = sum(n for _, n in scored)
    return (
        sum(counter.values()),
        positive / scale_n if scale_n else None,
        sum(s * n for s, n in scored) / scored_n if scored_n else None,
    )


@pytest.fixture
def world(app, monkeypatch):
    install_borger_v2(monkeypatch)
    org = make_organisation(threshold=5)
    areas = [make_specialomraade(org), make_specialomraade(org)]
    tilbud = [
        make_tilbud(areas[0]),
        make_tilbud(areas[0]),
        make_tilbud(areas[1]),
        make_tilbud(areas[1]),
    ]
    last = make_round(tilbud, date(2024, 9, 1), date(2024, 11, 30), versions={"borger": 1})
    now = make_round(tilbud, date(2025, 9, 1), date(2025, 11, 30), versions={"borger": 2})
    generate(last, {tilbud[0]: 12, tilbud[1]: 9, tilbud[2]: 4, tilbud[3]: 15}, seed=1)
    generate(
        now, {tilbud[0]: 20, tilbud[1]: 8, tilbud[2]: 3, tilbud[3]: 12}, seed=2, versions=(1, 2)
    )
    release_all(last)
    release_all(now)
    db.session.commit()
    return org, areas, tilbud, last, now


@pytest.mark.parametrize("group", [None, "hjaelp", "ikke_oplyst"])
def test_every_cell_matches_a_recount_from_the_answers(world, group):
    org, areas, tilbud, last, now = world
    results = round_results(now, "borger", group)
    for node, unit_tilbud in [
        (("organisation", org.id), [t.id for t in tilbud]),
        (("specialomraade", areas[0].id), [tilbud[0].id, tilbud[1].id]),
        (("tilbud", tilbud[3].id), [tilbud[3].id]),
    ]:
        raw = raw_counts(now.id, "borger", unit_tilbud, group)
        for question in results.scale_questions():
            cell = results.questions.get(question.key, {}).get(node)
            n, share, mean = expected(question, raw[question.key])
            assert (cell.n if cell else 0) == n, (node, question.key)
            if cell is None or cell.hidden:
                continue
            assert cell.counts == dict(raw[question.key])
            assert cell.positive_share == pytest.approx(share)
            assert cell.mean == pytest.approx(mean)


def test_version_change_keeps_the_key_and_specials_stay_out_of_the_scale(world):
    org, _areas, tilbud, last, now = world
    results = round_results(now, "borger")
    node = ("organisation", org.id)
    keys = {q.key for q in results.scale_questions()}
    assert "ny_vaerdi" in keys and "sover_godt" not in keys
    raw = raw_counts(now.id, "borger", [t.id for t in tilbud])
    # "mad" was answered in v1 and v2 responses alike: both counted under the one key.
    by_version = Counter(
        db.session.scalars(
            db.select(Response.questionnaire_version)
            .join(Answer)
            .where(
                Response.round_id == now.id,
                Answer.question_key == "mad",
                Response.status != "draft",
            )
        )
    )
    assert set(by_version) == {1, 2}
    cell = results.questions["mad"][node]
    assert cell.n == sum(raw["mad"].values())
    special = raw["mad"]["ved_ikke"] + raw["mad"]["vil_ikke_svare"]
    assert cell.scale_n == cell.n - special


def test_drafts_never_count(world):
    org, _areas, tilbud, last, now = world
    drafts = db.session.scalar(
        db.select(db.func.count()).select_from(Response).where(Response.status == "draft")
    )
    assert drafts > 0
    results = round_results(now, "borger")
    finished = db.session.scalar(
        db.select(db.func.count())
        .select_from(Response)
        .where(Response.round_id == now.id, Response.status != "draft")
    )
    total = results.responses[("organisation", org.id)]
    assert total.counts.get("complete", 0) + total.counts.get("partial", 0) == finished


def test_recount_rebuilds_exactly_what_submit_kept(world):
    kept = sorted(tuple(r) for r in db.session.execute(db.select(ResultCount.__table__)))
    db.session.execute(db.delete(ResultCount))
    recount()
    db.session.commit()
    rebuilt = sorted(tuple(r) for r in db.session.execute(db.select(ResultCount.__table__)))
    assert rebuilt == kept


def test_recount_command_repairs_damaged_counts(world, runner):
    db.session.execute(db.update(ResultCount).values(count=ResultCount.count + 7))
    db.session.commit()
    result = runner.invoke(args=["recount"])
    assert result.exit_code == 0, result.output
    org, _areas, tilbud, _last, now = world
    cell = round_results(now, "borger").questions["tryg"][("organisation", org.id)]
    assert cell.n == sum(raw_counts(now.id, "borger", [t.id for t in tilbud])["tryg"].values())


def test_previous_round_is_the_latest_earlier_one_that_asked_the_key(world):
    org, _areas, tilbud, last, now = world
    results = round_results(now, "borger")
    previous = previous_results(results)
    assert previous["tryg"].round.id == last.id
    assert "ny_vaerdi" not in previous  # v1 (last round) did not ask it
    raw = raw_counts(last.id, "borger", [t.id for t in tilbud])
    cell = previous["tryg"].questions["tryg"][("organisation", org.id)]
    assert cell.n == sum(raw["tryg"].values())
    assert loader.get("borger", 2) is not None
