"""Who is asking: the organisation's name and its privacy notice, on every link page.

A mail that leads to a page nobody has heard of invites doubt (is this phishing?), and the
GDPR asks that the relative can find who processes their address and how. So the pages a
link opens name the organisation behind the round and link its privacy notice: the
organisation's own (``Organisation.privacy_url``, set by an admin), or else the app's page
for it (``pages.privacy``), which says what this app keeps about a relative.

The link pages know the organisation from the invitation's round and put it in the
respondent's own session cookie, so the question screens and the thank-you page name it
without a query. A link the app does not find (unknown, or used: they must look alike)
names nobody that this device was not already told.
"""

from flask import g, session, url_for

from ..extensions import db
from ..org.models import Organisation

SESSION_KEY = "asker"


def asker_for(organisation_id: int) -> dict[str, str] | None:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "privacy_url": organisation.privacy_url
        or url_for("pages.privacy", organisation_slug=organisation.slug),
    }


def show(organisation_id: int, remember: bool = False) -> None:
    """Name this organisation on the page being rendered; ``remember`` it for the next ones."""
    g.asker = asker_for(organisation_id)
    if remember and g.asker:
        session[SESSION_KEY] = g.asker


def current() -> dict[str, str] | None:
    """The organisation to name on this page, if the page is a link page that knows it."""
    asker = g.get("asker")
    if asker:
        return asker
    remembered = session.get(SESSION_KEY)
    if isinstance(remembered, dict) and {"name", "privacy_url"} <= remembered.keys():
        return remembered
    draft = g.get("draft")  # a link session begun before the organisation was remembered
    if draft is not None and draft.channel == "link" and draft.organisation_id:
        return asker_for(draft.organisation_id)
    return None
