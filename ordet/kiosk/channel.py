"""The kiosk channel: a draft may be continued only on an enrolled tablet of its own tilbud."""

import time
from datetime import date

from flask import current_app, g, request, url_for
from flask_babel import lazy_gettext as _l

from ..answering import session as respondent_session
from ..answering.channels import ChannelRefusal, TooSoon
from ..answering.services import Draft
from ..answering.session import Respondent
from ..offline.intake import completed_online
from . import allowance, pace, services

COOKIE_NAME = "ordet_kiosk"
# Beyond the warning, a little slack for a slow tablet before the server closes the draft itself.
GRACE_SECONDS = 60


def current_device() -> services.DeviceCheck:
    if "device_check" not in g:
        g.device_check = services.check_cookie(
            current_app.config["SECRET_KEY"], request.cookies.get(COOKIE_NAME)
        )
    return g.device_check


class KioskChannel:
    name = "kiosk"

    def check(self, draft: Draft | None, respondent: Respondent) -> None:
        found = current_device()
        if found.problem == "revoked":
            raise ChannelRefusal(403, str(_l("Denne tablet er afmeldt. Kontakt en medarbejder.")))
        if found.problem:
            raise ChannelRefusal(403, str(_l("Denne tablet er ikke tilmeldt.")))
        if draft is None:
            raise ChannelRefusal(restart=True)
        if draft.tilbud_id != found.device.tilbud_id:
            raise ChannelRefusal(403, str(_l("Denne besvarelse hører til et andet tilbud.")))
        config = current_app.config
        limit = config["KIOSK_IDLE_SECONDS"] + config["KIOSK_WARNING_SECONDS"] + GRACE_SECONDS
        if time.time() - respondent.seen > limit:
            raise ChannelRefusal(restart=True)

    def start_url(self) -> str:
        return url_for("kiosk.start")

    def completed(self, draft: Draft) -> None:
        tablet = current_device().device
        if tablet is None:
            return
        wait = pace.count_response(tablet.id)
        if wait is None:  # the allowance offline responses spend too (``kiosk.allowance``)
            wait = allowance.spend(tablet.id)
        if wait is not None:
            raise TooSoon(wait, lambda: services.note_too_soon(tablet, date.today()))
        services.note_answer(tablet, date.today())
        respondent = respondent_session.current()
        if respondent is not None:  # a tablet that lost this reply sends it again offline
            completed_online(respondent.draft_key, draft.round_id)

    def thanks_template(self) -> str:
        return "kiosk/thanks.html"
