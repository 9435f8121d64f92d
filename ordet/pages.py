"""Pages that belong to no domain: the front page, text size and the accessibility statement."""

from flask import Blueprint, redirect, render_template, request, session, url_for

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("index.html")


@bp.get("/tilgaengelighed")
def accessibility():
    return render_template("accessibility.html")


@bp.post("/tekststoerrelse")
def text_size():
    """Toggle larger text for this respondent; works without JavaScript."""
    session["large_text"] = not session.get("large_text")
    target = request.form.get("next", "")
    # Only a path on this site: never an open redirect.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for(".index")
    return redirect(target)
