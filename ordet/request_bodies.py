"""What a POST may carry: form fields, and files only where a view takes them.

Flask-WTF's forms read files and JSON bodies as if they were form fields: a file sent under a
text field's name, or a JSON body, hands the field a file, a number or a list, which neither
its validators nor the views expect (a 500). No page sends JSON, and only the upload views take
files, under the names they declare with ``takes_files``, and only the tablet's offline intake
takes JSON (``takes_json``); anything else is refused before any view runs, as is a file name
with a NUL character (PostgreSQL cannot store it).
"""

from collections.abc import Callable

from flask import abort, current_app, request


def takes_files(*names: str) -> Callable:
    """Declare the file fields a view reads; files under any other name are refused."""

    def decorate(view: Callable) -> Callable:
        view.takes_files = frozenset(names)  # type: ignore[attr-defined]
        return view

    return decorate


def takes_json(view: Callable) -> Callable:
    """Declare a view that reads a JSON body (and no form)."""
    view.takes_json = True  # type: ignore[attr-defined]
    return view


def refuse_unexpected_bodies() -> None:
    if request.method != "POST":
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if request.is_json and not getattr(view, "takes_json", False):
        abort(415)
    if not request.files:
        return
    allowed = getattr(view, "takes_files", frozenset())
    for name, file in request.files.items(multi=True):
        if name not in allowed or "\x00" in (file.filename or ""):
            abort(400)
