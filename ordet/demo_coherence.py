"""Make the demo's figures agree with each other, after the synthetic responses are in.

A buyer's first look is the demo: a response rate over 100 %, a tablet that "has no answers"
on a tilbud with dozens of kiosk answers, or pårørende answers with nobody invited all make
the product look wrong. Each function only adds or raises, so a second ``seed-demo`` changes
nothing (``demo.seed`` is idempotent).
"""

import math
import random
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from .answering.models import COMPLETE, KIOSK, LINK, PARTIAL, Response
from .extensions import db
from .invitations.models import Invitation, InvitationTally
from .kiosk.models import Device
from .rounds.models import Round

# Share of a tilbud's borgere who answer on the tablet, and of the invited pårørende who answer.
KIOSK_RATE = (0.45, 0.9)
LINK_RATE = (0.35, 0.7)


def _rng(*key) -> random.Random:
    return random.Random("demo:" + ":".join(str(part) for part in key))  # noqa: S311


def _per_round_and_tilbud(channel: str, statuses: tuple[str, ...]) -> dict[tuple, int]:
    rows = db.session.execute(
        select(Response.round_id, Response.tilbud_id, func.count())
        .where(Response.channel == channel, Response.status.in_(statuses))
        .group_by(Response.round_id, Response.tilbud_id)
    )
    return {(round_id, tilbud_id): count for round_id, tilbud_id, count in rows}


def served_above_answers(rounds: list[Round]) -> None:
    """Each tilbud serves more borgere than answered on its tablets: a rate of 45–90 %."""
    answered = _per_round_and_tilbud(KIOSK, (COMPLETE, PARTIAL))
    for round_ in rounds:
        for participant in round_.participants:
            kiosk = answered.get((round_.id, participant.tilbud_id), 0)
            rate = _rng(round_.slug, participant.tilbud_id).uniform(*KIOSK_RATE)
            needed = math.ceil(kiosk / rate)
            if participant.borgere_served is None or participant.borgere_served < needed:
                participant.borgere_served = needed


def tablets_know_their_last_answer() -> None:
    """A demo tablet's "Sidste svar" is the week its tilbud last finished a kiosk response."""
    last = dict(
        db.session.execute(
            select(Response.tilbud_id, func.max(Response.answered_week))
            .where(Response.channel == KIOSK, Response.status == COMPLETE)
            .group_by(Response.tilbud_id)
        ).all()
    )
    for device in db.session.scalars(select(Device).where(Device.last_answer_week.is_(None))):
        device.last_answer_week = last.get(device.tilbud_id)


def invitations_behind_link_answers(rounds: list[Round], today: date, retention: int) -> None:
    """Every pårørende answer came from an invitation: invite more than answered (35–70 %
    answer), a few opted out or bounced, and the reminders' tally; closed rounds' addresses
    are purged, as ``purge`` does after the retention period."""
    answered = _per_round_and_tilbud(LINK, (COMPLETE,))
    has_list = set(
        db.session.execute(select(Invitation.round_id, Invitation.tilbud_id).distinct()).all()
    )
    rows: list[dict] = []
    for round_ in rounds:
        for tilbud_id in sorted(p.tilbud_id for p in round_.participants):
            count = answered.get((round_.id, tilbud_id), 0)
            if count and (round_.id, tilbud_id) not in has_list:
                rows += _invitation_list(round_, tilbud_id, count, today, retention)
        if len(rows) >= 20_000:
            db.session.execute(insert(Invitation), rows)
            rows.clear()
    if rows:
        db.session.execute(insert(Invitation), rows)


def _invitation_list(round_: Round, tilbud_id: int, answered: int, today: date, retention: int):
    """One tilbud's list in one round, as rows: the first ``answered`` answered, then a few
    opted out and bounced; reminders two and four weeks after the round opened."""
    rng = _rng("invitations", round_.slug, tilbud_id)
    invited = max(answered + 2, math.ceil(answered / rng.uniform(*LINK_RATE)))
    opted_out = min(invited - answered, rng.randint(0, 2))
    bounced = min(invited - answered - opted_out, rng.randint(0, 1))
    first, second = round_.opens_on + timedelta(days=14), round_.opens_on + timedelta(days=28)
    reminders = (first <= today) + (second <= today)
    purged_on = round_.closes_on + timedelta(days=retention + 1)
    purged_on = purged_on if purged_on <= today else None
    _tally(round_.id, tilbud_id, invited, answered, reminders, rng)
    return [
        {
            "round_id": round_.id,
            "tilbud_id": tilbud_id,
            "email": None if purged_on else f"paaroerende-{tilbud_id}-{i}@demo.ordet.dk",
            "name": None if purged_on else f"Pårørende {i + 1}",
            "invited_on": round_.opens_on,
            "reminders_sent": reminders,
            "first_reminder_on": first if reminders >= 1 else None,
            "second_reminder_on": second if reminders >= 2 else None,
            "answered": i < answered,
            "opted_out_on": round_.opens_on + timedelta(days=3)
            if answered <= i < answered + opted_out
            else None,
            "bounced_on": round_.opens_on
            if answered + opted_out <= i < answered + opted_out + bounced
            else None,
            "purged_on": purged_on,
        }
        for i in range(invited)
    ]


def _tally(round_id: int, tilbud_id: int, invited: int, answered: int, reminders: int, rng):
    """When the answers came, as counts only: most before any reminder, fewer after each."""
    before = answered if reminders == 0 else math.ceil(answered * rng.uniform(0.5, 0.7))
    after_first = answered - before if reminders == 1 else (answered - before + 1) // 2
    after_second = answered - before - after_first
    first_mails = invited - before if reminders >= 1 else 0
    db.session.add(
        InvitationTally(
            round_id=round_id,
            tilbud_id=tilbud_id,
            answered_before_reminders=before,
            answered_after_first=after_first,
            answered_after_second=after_second,
            first_reminders=first_mails,
            second_reminders=first_mails - after_first if reminders >= 2 else 0,
        )
    )


def make_coherent(rounds: list[Round], today: date, retention: int) -> None:
    served_above_answers(rounds)
    tablets_know_their_last_answer()
    invitations_behind_link_answers(rounds, today, retention)
    db.session.flush()
