"""The national bench's world: operators, institutions and their rounds in one national round,
1,000,000 responses as the ``ResultCount`` rows they produce, and publishing the releases
(``bench_national.py`` measures what comes of it)."""

import json
import random
import time
from datetime import date

from sqlalchemy import func, insert, select

from ordet.extensions import db
from ordet.national.figures import core_questionnaire
from ordet.national.models import (
    Institution,
    NationalRelease,
    NationalReleaseCount,
    NationalRound,
)
from ordet.org.models import Organisation, Specialomraade, Tilbud
from ordet.results.linked import ALL
from ordet.results.models import RESPONSES_KEY, TEXT_VALUE, Release, ReleaseCount, ResultCount
from ordet.results.releases import publish
from ordet.rounds.models import Round, RoundQuestionnaire, RoundTilbud

SLUG = "bench-landsplan"
AREAS = 10
OPENS, CLOSES = date(2025, 3, 3), date(2025, 3, 16)
WEEKS = (date(2025, 3, 3), date(2025, 3, 10))
HELP = (("nej", 0.7), ("medarbejder", 0.2), ("", 0.1))


def split(n: int, shares: list[float]) -> list[int]:
    """``n`` split by ``shares`` into whole numbers that add up to ``n`` (largest remainder)."""
    total = sum(shares)
    exact = [n * s / total for s in shares]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(shares)), key=lambda i: parts[i] - exact[i])[: n - sum(parts)]:
        parts[i] += 1
    return parts


def sizes(rng: random.Random, institutions: int, responses: int) -> list[int]:
    """Respondents per institution: 2 % with 1-4 (hidden), the rest spread unevenly."""
    tiny = [rng.randint(1, 4) if rng.random() < 0.02 else 0 for _ in range(institutions)]
    weights = [0.0 if t else rng.lognormvariate(0, 0.6) for t in tiny]
    rest = split(responses - sum(tiny), weights)
    return [t or r for t, r in zip(tiny, rest, strict=True)]


def count_rows(round_id: int, tilbud_id: int, size: int, quality: float, keys: list[str]):
    for week, in_week in zip(WEEKS, split(size, [1, 1]), strict=True):
        for (assisted, _share), m in zip(HELP, split(in_week, [s for _a, s in HELP]), strict=True):
            if not m:
                continue
            common = (round_id, tilbud_id, "unge", 1)
            yield (*common, RESPONSES_KEY, "complete", assisted, week, m)
            if assisted:
                yield (*common, "hjaelp", assisted, assisted, week, m)
            if m // 4:
                yield (*common, "andet", TEXT_VALUE, assisted, week, m // 4)
            for j, key in enumerate(keys):
                q = min(0.95, max(0.05, quality + (j - 6) * 0.02))
                shares = [q * 0.93, (1 - q) * 0.55, (1 - q) * 0.38, 0.05, 0.02]
                values = ("ja", "baade_og", "nej", "ved_ikke", "vil_ikke_svare")
                for value, n in zip(values, split(m, shares), strict=True):
                    if n:
                        yield (*common, key, value, assisted, week, n)


COLUMNS = (
    "round_id",
    "tilbud_id",
    "questionnaire",
    "questionnaire_version",
    "question_key",
    "value",
    "assisted",
    "answered_week",
    "count",
)


def write_counts(rows: list[tuple]) -> None:
    if rows:
        db.session.execute(insert(ResultCount), [dict(zip(COLUMNS, r, strict=True)) for r in rows])


def generate(operators: int, per_operator: int, responses: int) -> NationalRound:
    rng = random.Random(21)
    national = NationalRound(slug=SLUG, name="Sikrede institutioner (bench)", year=2025)
    db.session.add(national)
    db.session.flush()
    keys = [q.key for q in core_questionnaire(national).questions if q.has_scale]
    all_sizes = iter(sizes(rng, operators * per_operator, responses))
    rows = []
    for o in range(operators):
        org = Organisation(slug=f"operator-{o}", name=f"Operatør {o}", anonymity_threshold=5)
        db.session.add(org)
        db.session.flush()
        tilbud = []
        for a in range(AREAS):
            area = Specialomraade(organisation_id=org.id, slug=f"o{o}-a{a}", name=f"Område {a}")
            db.session.add(area)
            db.session.flush()
            for i in range(per_operator // AREAS):
                tilbud.append(
                    Tilbud(
                        specialomraade_id=area.id,
                        slug=f"o{o}-a{a}-t{i}",
                        name=f"Institution {o}.{a}.{i}",
                        kiosk_variant="unge",
                    )
                )
        db.session.add_all(tilbud)
        db.session.flush()
        round_ = Round(
            organisation_id=org.id,
            slug=f"runde-{o}",
            name=f"Runde {o}",
            opens_on=OPENS,
            closes_on=CLOSES,
            national_round_id=national.id,
        )
        round_.questionnaires = [RoundQuestionnaire(variant="unge", version=1)]
        round_.participants = [RoundTilbud(tilbud_id=t.id, borgere_served=50) for t in tilbud]
        db.session.add(round_)
        db.session.add_all(
            Institution(tilbud_id=t.id, planned_year=2025, planned_quarter=1 + o % 4)
            for t in tilbud
        )
        db.session.flush()
        for t in tilbud:
            rows += count_rows(round_.id, t.id, next(all_sizes), rng.uniform(0.4, 0.9), keys)
            if len(rows) > 20_000:
                write_counts(rows)
                rows = []
    write_counts(rows)
    db.session.commit()
    return national


def insert_national(national: NationalRound, today: date) -> NationalRelease:
    """The rows a national release holds, made without ``publish_national``: the newest
    organisation releases' counts per institution, and the institutions they hide."""
    institutions = dict(
        db.session.execute(
            select(Institution.tilbud_id, Specialomraade.organisation_id)
            .join(Tilbud, Tilbud.id == Institution.tilbud_id)
            .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        ).all()
    )
    rounds = db.session.scalars(select(Round).where(Round.national_round_id == national.id))
    sources = [
        db.session.scalar(
            select(Release).where(Release.round_id == r.id).order_by(Release.number.desc())
        )
        for r in rounds
    ]
    hidden = sorted(
        [part, kind, unit_id]
        for release in sources
        for part, cells in release.hidden.items()
        for (kind, unit_id), group in cells
        if group == ALL and kind == "tilbud"
    )
    respondents = sum(r.respondents for r in sources)
    release = NationalRelease(
        national_round_id=national.id,
        number=1,
        published_on=today,
        threshold=5,
        respondents=respondents,
        hidden_json=json.dumps(hidden),
        sources_json=json.dumps([r.id for r in sources]),
    )
    db.session.add(release)
    db.session.flush()
    counts = (
        select(
            ReleaseCount.tilbud_id,
            ReleaseCount.question_key,
            ReleaseCount.value,
            func.sum(ReleaseCount.count),
        )
        .where(ReleaseCount.release_id.in_([r.id for r in sources]))
        .group_by(ReleaseCount.tilbud_id, ReleaseCount.question_key, ReleaseCount.value)
    )
    db.session.execute(
        insert(NationalReleaseCount),
        [
            {
                "release_id": release.id,
                "tilbud_id": t,
                "operator_id": institutions[t],
                "question_key": k,
                "value": v,
                "count": n,
            }
            for t, k, v, n in db.session.execute(counts)
            if t in institutions
        ],
    )
    db.session.commit()
    return release


def publish_all(national: NationalRound, today: date, insert_only: bool) -> None:
    total = time.perf_counter()
    for round_ in db.session.scalars(select(Round).order_by(Round.id)).all():
        start = time.perf_counter()
        release = publish(round_, "unge", today)
        db.session.commit()
        hidden = len(json.loads(release.hidden_json)) if release else "-"
        print(
            f"  publish {round_.slug}: {time.perf_counter() - start:7.1f} s "
            f"({'released' if release else 'NO RELEASE'}, {hidden} hidden cells)",
            flush=True,
        )
    print(f"  organisation releases, all: {time.perf_counter() - total:7.1f} s", flush=True)
    start = time.perf_counter()
    if insert_only:
        insert_national(national, today)
        how = "INSERTED (not published: --insert-national)"
    else:
        from ordet.national.releases import publish_national

        release = publish_national(national, today)
        db.session.commit()
        how = "published" if release else "NOT PUBLISHED (publish_national gave None)"
    print(f"  national release: {time.perf_counter() - start:7.1f} s, {how}", flush=True)
