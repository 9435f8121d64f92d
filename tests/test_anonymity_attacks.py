"""The attacks of issue 17, played through the pages and exports as a tilbud or area lead would.

Each test reads only what the user can reach (page text, the workbook), then tries to recover a
group of fewer than five: by subtracting filtered views, by reloading around one answer, by
telling "no answers" from "too few", by picking comments out by filter.
"""

import re
from datetime import date, timedelta

import openpyxl
import pytest
from scipy.optimize import linprog

from ordet.answering.models import COMPLETE, PARTIAL, Answer, Response
from ordet.auth.models import Grant, User
from ordet.extensions import db
from ordet.results.linked import GROUPS, group_of
from ordet.weeks import week_of

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response
from .staff_helpers import session_login

FILTERS = [None, *GROUPS]
TODAY = date.today()
THREE_WEEKS_AGO = TODAY - timedelta(days=21)


COUNTER = iter(range(10**6))


def helped(code: str) -> dict:
    text = f"Kommentar {next(COUNTER)} ({code or 'ingen'})"
    base = {"tryg": "ja", "glad_for_stedet": "nej", "andet": text}
    return {**base, "hjaelp": code} if code else base


@pytest.fixture
def world(app):
    org = make_organisation(threshold=5)
    area_a, area_b = make_specialomraade(org, "Område A"), make_specialomraade(org, "Område B")
    t1, t2, t3 = (make_tilbud(area_a, f"Tilbud {n}") for n in (1, 2, 3))
    t4, t5 = make_tilbud(area_b, "Tilbud 4"), make_tilbud(area_b, "Tilbud 5")
    round_ = make_round(
        [t1, t2, t3, t4, t5], TODAY - timedelta(days=56), TODAY + timedelta(days=28), slug="r"
    )
    # Tilbud 1 has the mix: 2 helped by a relative among 12; Tilbud 3 has 3 answers.
    mix = {
        t1: ["nej"] * 7 + ["medarbejder"] * 3 + ["paaroerende"] * 2,
        t2: ["nej"] * 5 + ["medarbejder"] * 4 + ["ved_ikke"],
        t3: ["nej", "anden", ""],
        t4: ["nej"] * 9 + ["medarbejder"] * 6 + [""] * 3 + ["vil_ikke_svare"] * 2,
        t5: ["nej"],
    }
    for unit, codes in mix.items():
        for code in codes:
            make_response(round_, unit, helped(code), when=THREE_WEEKS_AGO)
    users = {}
    for role, scope in (
        ("analyst", {"organisation_id": org.id}),
        ("area_lead", {"specialomraade_id": area_a.id}),
        ("tilbud_lead", {"tilbud_id": t1.id}),
    ):
        user = User(email=f"{role}@x.dk", name=role)
        user.grants.append(Grant(role=role, reads_comments=True, **scope))
        db.session.add(user)
        users[role] = user
    db.session.commit()
    return org, (area_a, area_b), (t1, t2, t3, t4, t5), round_, users


def page(client, unit: str, group: str | None = None, path: str = ""):
    query = {"enhed": unit, **({"hjaelp": group} if group else {})}
    response = client.get(f"/staff/resultater/r/borger/{path}", query_string=query)
    assert response.status_code == 200, response.text
    return response.text


def respondents(html: str) -> int | None:
    """The page's "Besvarelser": a number, or None when it says too few."""
    found = re.search(r"Besvarelser: (?:<strong>(\d+)</strong>|For få svar)", html)
    assert found, "no Besvarelser on the page"
    return int(found.group(1)) if found.group(1) else None


def true_size(round_, tilbud_ids: list[int], group: str | None) -> int:
    helped_codes = db.session.scalars(
        db.select(Response.assisted).where(
            Response.round_id == round_.id,
            Response.tilbud_id.in_(tilbud_ids),
            Response.status.in_((COMPLETE, PARTIAL)),
            Response.answered_week < week_of(TODAY),
        )
    )
    return sum(1 for code in helped_codes if group is None or group_of(code) == group)


def test_subtracting_filtered_views_recovers_no_small_group(client, world):
    """Differencing help filters, the unfilterable rest, a complement rebuilt from its views:
    every number an area lead can read goes into one system, solved as an attacker would."""
    org, (area_a, _b), (t1, t2, t3, _t4, _t5), round_, users = world
    session_login(client, users["area_lead"])
    assert client.get("/staff/resultater/r/borger/?hjaelp=medarbejder").status_code == 400
    units = {f"omraade:{area_a.slug}": [t1.id, t2.id, t3.id]}
    units |= {f"tilbud:{t.slug}": [t.id] for t in (t1, t2, t3)}
    cells = [(u, g) for u in units for g in FILTERS]
    shown = {cell: respondents(page(client, *cell)) for cell in cells}
    # The filter groups partition everyone: the rest that no filter showed is gone.
    area = f"omraade:{area_a.slug}"
    assert shown[(area, None)] == true_size(round_, units[area], None)
    # The attacker's system: unit sums and filter sums; unknowns are the "too few" cells.
    unknown = [c for c in cells if shown[c] is None]
    assert unknown, "something must be hidden in this world"
    column = {c: i for i, c in enumerate(unknown)}
    equations, rhs = [], []

    def relation(parent, children):
        row, b = [0.0] * len(unknown), 0.0
        for sign, c in [(1, parent), *((-1, child) for child in children)]:
            if c in column:
                row[column[c]] += sign
            else:
                b -= sign * shown[c]
        if any(row):
            equations.append(row)
            rhs.append(b)

    for unit in units:
        relation((unit, None), [(unit, g) for g in GROUPS])
    for group in FILTERS:
        relation((area, group), [(f"tilbud:{t.slug}", group) for t in (t1, t2, t3)])
    for cell in unknown:
        size = true_size(round_, units[cell[0]], cell[1])
        if not 0 < size < 5:
            continue
        objective = [0.0] * len(unknown)
        objective[column[cell]] = -1.0
        best = linprog(objective, A_eq=equations, b_eq=rhs, bounds=(0, None), method="highs")
        bound = float("inf") if best.status == 3 else -best.fun
        assert bound >= 5 - 1e-6, f"{cell} ({size} people) is at most {bound}"


def test_reloading_around_one_answer_shows_nothing_new(client, world):
    org, _areas, (t1, *_rest), round_, users = world
    session_login(client, users["tilbud_lead"])
    before = page(client, f"tilbud:{t1.slug}")
    assert "opdateret" in before
    make_response(round_, t1, helped("nej"), when=TODAY)  # someone just used the tablet
    db.session.commit()
    after = page(client, f"tilbud:{t1.slug}")
    strip = re.compile(r'name="csrf_token" value="[^"]*"')
    assert strip.sub("", before) == strip.sub("", after)


def test_a_unit_of_one_is_hidden_whole_on_the_page_and_in_the_workbook(
    client, world, runner, tmp_path
):
    org, _areas, (*_t, t5), round_, users = world
    session_login(client, users["analyst"])
    html = page(client, f"tilbud:{t5.slug}")
    assert respondents(html) is None
    assert "Ingen svar" not in html  # not one question tells "nobody" from "too few"
    assert "For få svar til at vise resultatet" in html
    out = tmp_path / "r.xlsx"
    result = runner.invoke(args=["export-results", "--round", "r", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Resultater Borgere"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[1] == t5.name]
    for row in rows:
        assert all(v in (None, "For få svar") for v in row[6:]), row


def test_comment_lists_do_not_change_with_the_filter(client, world):
    org, (area_a, _b), tilbud, round_, users = world
    from ordet.results.releases import ensure_release

    session_login(client, users["analyst"])
    hidden = ensure_release(round_, "borger", TODAY).hidden["respondenter"]
    db.session.commit()  # the pages' requests must see it, not publish their own
    units = {("organisation", org.id): "organisation"}
    units |= {("specialomraade", area_a.id): f"omraade:{area_a.slug}"}
    units |= {("tilbud", t.id): f"tilbud:{t.slug}" for t in tilbud}
    checked_hidden_group = False
    for node, param in units.items():
        lists = {
            group: re.findall(
                r"<blockquote>([^<]*)</blockquote>", page(client, param, group, "kommentarer")
            )
            for group in FILTERS
        }
        assert all(found == lists[None] for found in lists.values()), param
        if lists[None] and any((node, g) in hidden for g in GROUPS):
            checked_hidden_group = True  # a list that followed the filter would differ here
    assert checked_hidden_group


def test_a_release_holds_only_weeks_that_are_over(world):
    org, _areas, (t1, *_r), round_, users = world
    from ordet.results.releases import ensure_release

    release = ensure_release(round_, "borger", TODAY)
    assert release.through_week == week_of(TODAY) - timedelta(days=7)
    assert release.respondents == 12 + 10 + 3 + 20 + 1


def test_case_10_comments_stand_among_at_least_five_in_an_order_that_is_not_time(client, world):
    """ANONYMITY.md case 10: no per-filter lists (above); a comment's name covers at least
    five respondents of the release; the list is not in the order the answers came."""
    org, _areas, _tilbud, round_, users = world
    from ordet.results.aggregate import round_results
    from ordet.results.releases import ensure_release

    session_login(client, users["analyst"])
    html = page(client, "organisation", None, "kommentarer")
    shown = re.findall(r"<blockquote>([^<]*)</blockquote>\s*<p class=\"hint\">([^<·]+)", html)
    assert len(shown) >= 10
    results = round_results(round_, "borger", release=ensure_release(round_, "borger", TODAY))
    db.session.commit()
    tree = results.tree
    sizes = {}
    for node, unit in tree.units.items():
        below = tree.tilbud_under(node)
        # A name covers the tilbud under it that no nearer shown unit names.
        covered = [
            t
            for t in below
            if all(results.responses[n].hidden for n in _between(tree, ("tilbud", t), node))
        ]
        sizes[unit.name] = sum(results.responses[("tilbud", t)].n for t in covered)
    for _text, name in shown:
        assert sizes[name.strip()] >= 5, name
    texts = [t for t, _n in shown]
    in_time = [
        a.value
        for a in db.session.scalars(
            db.select(Answer).where(Answer.question_key == "andet").order_by(Answer.id)
        )
        if a.value in texts
    ]
    assert texts != in_time


def _between(tree, start, stop) -> list:
    """The nodes from ``start`` up to, but not including, ``stop``."""
    path, node = [], start
    while node != stop:
        path.append(node)
        node = tree.parent[node]
    return path
