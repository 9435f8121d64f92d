"""Releases: results move in audited steps, and ``audit-disclosure`` plays the attacker."""

import json
from datetime import date, timedelta

import pytest

from ordet.extensions import db
from ordet.results.aggregate import round_results
from ordet.results.attack import audit_round, organisation_scopes
from ordet.results.linked import ALL, GROUPS
from ordet.results.models import Release
from ordet.results.releases import latest, publish, releases_of
from ordet.weeks import week_of

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response

MONDAY = week_of(date.today()) - timedelta(days=7 * 6)  # six weeks ago
CODES = ["nej", "medarbejder", "paaroerende", "", "nej", "anden", "nej", "ved_ikke", "nej"]


def answers(i: int) -> dict:
    return {
        "tryg": ["ja", "nej", "baade_og"][i % 3],
        "glad_for_stedet": ["ja", "nej"][i % 2],
        **({"hjaelp": CODES[i % len(CODES)]} if CODES[i % len(CODES)] else {}),
    }


@pytest.fixture
def world(app):
    org = make_organisation(threshold=5)
    area_a, area_b = make_specialomraade(org, "A"), make_specialomraade(org, "B")
    units = [make_tilbud(area_a, "T1"), make_tilbud(area_a, "T2"), make_tilbud(area_b, "T3")]
    round_ = make_round(units, MONDAY - timedelta(days=7), date.today() + timedelta(days=30))
    for unit, size in zip(units, (20, 15, 12), strict=True):
        for i in range(size):
            make_response(round_, unit, answers(i), when=MONDAY)
    first = publish(round_, "borger", MONDAY + timedelta(days=8))
    assert first is not None and first.through_week == MONDAY
    db.session.commit()
    return org, units, round_


def shown_counts(round_, release, options: bool = False) -> dict:
    """The groups a release shows: respondents, and answers on the scale per question, per unit
    and help group (with ``options``, every option's count too)."""
    found = {}
    for group in (None, *GROUPS):
        results = round_results(round_, "borger", group, release=release)
        for node, stats in results.responses.items():
            if not stats.hidden:
                found[("n", node, group)] = stats.n
        for question in results.scale_questions():
            for node, stats in results.questions[question.key].items():
                if not stats.hidden:
                    found[(question.key, node, group)] = stats.scale_n
                    for code, n in stats.counts.items() if options else ():
                        found[(question.key, node, group, code)] = n
    return found


@pytest.mark.parametrize("new", [1, 4, 5, 9])
def test_a_new_release_only_with_enough_new_answers_and_no_small_change(world, new):
    org, units, round_ = world
    before = shown_counts(round_, latest(round_.id, "borger"))
    for i in range(new):
        make_response(round_, units[0], answers(i + 3), when=MONDAY + timedelta(days=7))
    db.session.commit()
    release = publish(round_, "borger", MONDAY + timedelta(days=15))
    if new < 5:
        assert release is None
        assert len(releases_of(round_.id, "borger")) == 1
        assert shown_counts(round_, latest(round_.id, "borger"), options=True) == shown_counts(
            round_, releases_of(round_.id, "borger")[0], options=True
        )
        return
    assert release is not None and release.number == 2
    after = shown_counts(round_, release)
    assert after != before
    for key in before.keys() & after.keys():  # every group shown in both: 0 or >= 5 more
        assert after[key] - before[key] == 0 or after[key] - before[key] >= 5, key
    # And the attacker holding both releases finds nothing.
    for result in audit_round(round_, organisation_scopes(org.id)):
        assert result.report.passed, [f.explain(result.table) for f in result.report.findings]


def test_the_final_release_at_close_holds_every_answer(world):
    org, units, round_ = world
    make_response(round_, units[2], answers(1), when=date.today())
    round_.closes_on = date.today() - timedelta(days=1)
    db.session.commit()
    release = publish(round_, "borger", date.today())
    assert release.final and release.respondents == 20 + 15 + 12 + 1
    assert publish(round_, "borger", date.today() + timedelta(days=30)) is None


def test_audit_disclosure_exits_1_with_the_derivation_when_the_rule_is_weakened(world, runner):
    org, units, round_ = world
    user_email = "leder@x.dk"
    from ordet.auth.models import Grant, User

    lead = User(email=user_email, name="Leder")
    lead.grants.append(Grant(role="area_lead", specialomraade_id=units[0].specialomraade_id))
    db.session.add(lead)
    db.session.commit()
    passed = runner.invoke(args=["audit-disclosure", "--round", round_.slug])
    assert passed.exit_code == 0, passed.output
    assert "Ingen gruppe under grænsen" in passed.output
    release = latest(round_.id, "borger")
    hidden = release.hidden
    # Weakened: only groups under five hidden, nothing beside them (yesterday's per-view rule).
    table_groups = round_results(round_, "borger")
    weak = []
    for group in (None, *GROUPS):
        results = round_results(round_, "borger", group, release=release)
        for node, stats in results.responses.items():
            if 0 < stats.n < 5:
                weak.append(["respondenter", node[0], node[1], group or ALL])
    assert weak and table_groups is not None
    assert len(weak) < sum(len(cells) for cells in hidden.values())
    release.hidden_json = json.dumps(weak)
    db.session.commit()
    for args in (["--round", round_.slug], ["--round", round_.slug, "--as", user_email]):
        failed = runner.invoke(args=["audit-disclosure", *args])
        assert failed.exit_code == 1, failed.output
        assert "AFSLØRET" in failed.output and " = " in failed.output


def test_audit_disclosure_refuses_unknown_input(world, runner):
    org, units, round_ = world
    for args in (["--round", "findes-ikke"], ["--round", round_.slug, "--as", "ingen@x.dk"]):
        result = runner.invoke(args=["audit-disclosure", *args])
        assert (
            result.exit_code != 0
            and "findes ikke" in result.output.lower()
            or "Ingen" in result.output
        )


def test_audit_disclosure_passes_on_the_demo_data(app, runner):
    seeded = runner.invoke(args=["seed-demo", "--responses", "2000"])
    assert seeded.exit_code == 0, seeded.output
    year = date.today().year
    result = runner.invoke(args=["audit-disclosure", "--round", f"ordet-er-dit-{year}"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(db.func.count(Release.id))) >= 9


@pytest.mark.parametrize(("n", "hidden"), [(4, True), (5, False), (6, False)])
def test_threshold_five_at_four_five_and_six_respondents(app, n, hidden):
    org = make_organisation(threshold=5)
    area = make_specialomraade(org, "A")
    small, big, other = (make_tilbud(area, name) for name in ("S", "B", "O"))
    round_ = make_round([small, big, other], date(2025, 1, 1), date(2025, 12, 31))
    for unit, size in ((small, n), (big, 30), (other, 30)):
        for _i in range(size):
            make_response(round_, unit, {"tryg": "ja", "hjaelp": "nej"}, when=date(2025, 3, 3))
    publish(round_, "borger", date(2026, 1, 5))
    results = round_results(round_, "borger")
    assert results.responses[("tilbud", small.id)].hidden is hidden
    assert results.questions["tryg"][("tilbud", small.id)].hidden is hidden
