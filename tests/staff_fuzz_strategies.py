"""Hypothesis strategies for test_fuzz_staff.py: one request to one route.

Most requests are valid but for one thing (one path argument, one form field, the query, the
CSRF token, an extra field, a JSON body), so a bug behind several checks is reached; the rest
are junk throughout. ``sweep`` lists the values that break things most often, in every place
once, so those are tried on every run whatever Hypothesis draws.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict

from .staff_fuzz_world import CSV, PIN, Field

# Query parameters the views read, and names a view might read one day.
QUERY_NAMES = [
    "side", "runde", "enhed", "hjaelp", "tema", "uge", "format", "q", "next", "sort",
    "organisation", "kommentarer", "raadata", "variant", "lang", "kode",
]  # fmt: skip
EXTRA_NAMES = ["id", "user_id", "tilbud_id", "round_id", "role", "scope", "active", "language"]

safe_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
junk = st.one_of(
    st.sampled_from(
        [
            "", " ", "0", "-1", "2147483648", "9223372036854775808", "9" * 40, "1e309", "NaN",
            "../", "../../etc/passwd", "//evil.example", "' OR 1=1 --", "<script>x</script>",
            "\x00", "a\x00b", "٣", "🙂", "\u202e", "\ufeff", "tilbud:", ":", "on", "A" * 3000,
        ]
    ),
    st.integers(-(2**70), 2**70).map(str),
    safe_text,
)  # fmt: skip
# For a value that is a number when valid: more numbers, and ones no database column holds.
numbers = st.one_of(
    st.sampled_from([2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 2**64, 10**40]),
    st.integers(-(2**70), 2**70),
).map(str)
TODAY = date.today()
DATES = [str(TODAY + timedelta(days=d)) for d in (-400, -1, 0, 1, 40, 400)] + [
    "2026-02-30", "0001-01-01", "9999-12-31", "31-12-2026",
]  # fmt: skip
VALID_BY_KIND = {
    "date": DATES,
    "email": ["ny@a.dk", "admin@a.dk", "ude@b.dk", "x@", "a" * 250 + "@a.dk"],
    "password": ["rigtig-god-adgangskode", PIN, "kort"],
}
TEXTS = ["Ny enhed", "12", "0", "100001", PIN, "Org B"]
files = st.builds(
    lambda name, content: FileStorage(io.BytesIO(content), name),
    st.one_of(st.sampled_from(["liste.csv", "lyd.wav", "x.xlsx", "", "../x"]), safe_text),
    st.one_of(st.binary(max_size=300), st.sampled_from([b"", CSV.encode(), b"PK\x03\x04junk"])),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), junk),
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(safe_text, inner, max_size=2)
    ),
    max_leaves=4,
)


@dataclass
class Plan:
    """One request, but for the CSRF token, which the test fetches from a page."""

    path: dict[str, str]
    query: MultiDict
    body: object  # a MultiDict of fields (and files), or what goes out as JSON
    csrf: str  # "valid", "missing" or "garbage"


@st.composite
def _query(draw, names: list[str], samples: dict[str, set[str]], least: int):
    pairs = MultiDict()
    for _ in range(draw(st.integers(least, 3))):
        name = draw(st.one_of(st.sampled_from(names), safe_text))
        valid = sorted(samples.get(name, ()))
        good = valid and draw(st.booleans())
        pairs.add(name, draw(st.sampled_from(valid) if good else _junk_for(valid)))
    return pairs


def _junk_for(valid) -> st.SearchStrategy:
    return st.one_of(numbers, junk) if any(v.isdigit() for v in valid) else junk


def _valid(name: str, field: Field, samples: dict[str, set[str]]) -> list[str]:
    """What the page offers first, then other real values, then values of the field's kind."""
    known = samples.get(name.rpartition("-")[2], set()) - field.values
    offered = sorted(field.values - {""}) + sorted(known) + VALID_BY_KIND.get(field.kind, TEXTS)
    return offered + [""] * ("" in field.values)


@st.composite
def _form(draw, fields: dict[str, Field], samples, focus: str | None, wild: bool, extra: bool):
    """Each field valid, or (the focus, or any field when wild) junk, missing, twice, or a file
    where text is expected; when ``extra``, a couple of fields no form has."""
    body = MultiDict()
    for name, field in sorted(fields.items()):
        how = "valid"
        if wild or name == focus:
            odd = ["junk", "junk", "junk", "missing", "twice", "file"]
            how = draw(st.sampled_from(["valid", "valid", *odd] if wild else odd))
        for turn in range({"missing": 0, "twice": 2}.get(how, 1)):
            if how == "file" or (field.kind == "file" and how in ("valid", "twice")):
                body.add(name, draw(files))
            elif how == "junk" or (how == "twice" and turn):
                body.add(name, draw(_junk_for(field.values | samples.get(name, set()))))
            else:
                body.add(name, draw(st.sampled_from(_valid(name, field, samples))))
    for _ in range(draw(st.integers(1 if extra and not wild else 0, 2 if extra else 0))):
        body.add(draw(st.one_of(st.sampled_from(EXTRA_NAMES), safe_text)), draw(junk))
    return body


@st.composite
def _json(draw, fields: dict[str, Field]):
    """A JSON body: the fields' names with values of any type, or no object at all."""
    names = st.one_of(st.sampled_from(sorted(fields) or ["x"]), st.sampled_from(EXTRA_NAMES))
    return draw(st.one_of(st.dictionaries(names, json_values, max_size=5), json_values))


# Beyond PostgreSQL's INTEGER and BIGINT (and SQLite's), NUL, overlong, empty.
BREAKERS = ["2147483648", "9223372036854775808", "\x00", "A" * 3000, ""]


def sweep(method: str, real: dict[str, list[str]], fields: dict[str, Field], samples, names):
    """Valid requests but for one breaker in one place: a path argument, the query parameters,
    a form field (a file in it, a file name with NUL), or the whole body as JSON."""
    path = {name: values[0] for name, values in real.items()}

    def valid(name: str, field: Field):
        if field.kind == "file":
            return FileStorage(io.BytesIO(CSV.encode()), "liste.csv")
        return _valid(name, field, samples)[0]

    def form() -> MultiDict | None:  # fresh files each time: a stream is read once
        if method == "GET":
            return None
        return MultiDict((name, valid(name, field)) for name, field in sorted(fields.items()))

    plans = [
        Plan({**path, arg: bad}, MultiDict(), form(), "valid") for arg in real for bad in BREAKERS
    ]
    if method == "GET":  # every query parameter at once: a view reads few of them
        return plans + [
            Plan(path, MultiDict(dict.fromkeys(names, bad)), None, "valid") for bad in BREAKERS
        ]
    for broken, field in fields.items():
        odd = [*BREAKERS, FileStorage(io.BytesIO(b"x"), "x.txt")]
        if field.kind == "file":
            odd.append(FileStorage(io.BytesIO(CSV.encode()), "liste\x00.csv"))
        for bad in odd:
            body = form()
            body.setlist(broken, [bad])
            plans.append(Plan(path, MultiDict(), body, "valid"))
    json_bodies = [{name: 2**70 for name in fields}, {name: [] for name in fields}, [1], "x"]
    return plans + [Plan(path, MultiDict(), body, "valid") for body in json_bodies]


@st.composite
def plans(draw, method: str, real: dict[str, list[str]], fields: dict[str, Field], samples):
    """A request to a route with path arguments ``real`` (argument -> real values, the first
    inside the user's scope) and, for a POST, the form ``fields``."""
    targets = [f"path:{name}" for name in real] + ["query"]
    if method == "POST":
        targets += [f"field:{name}" for name in fields] * 3 + ["extra", "json", "csrf"]
    wild = draw(st.integers(0, 3)) == 0
    target = "" if wild else draw(st.sampled_from(targets))
    path = {}
    for name, values in real.items():
        choices = st.sampled_from(values[:1] * len(values) + values)
        if wild:
            choices = st.one_of(choices, junk)
        path[name] = draw(_junk_for(values) if target == f"path:{name}" else choices)
    names = sorted(set(QUERY_NAMES) | set(samples))
    query = (
        draw(_query(names, samples, least=int(target == "query")))
        if wild or target == "query"
        else MultiDict()
    )
    if method != "POST":
        return Plan(path, query, None, "valid")
    csrf = "valid"
    if target == "csrf" or wild:
        csrf = draw(st.sampled_from(["missing", "garbage"] + ["valid"] * 3 * wild))
    if target == "json" or (wild and draw(st.integers(0, 4)) == 0):
        return Plan(path, query, draw(_json(fields)), csrf)
    focus = target.removeprefix("field:") if target.startswith("field:") else None
    body = draw(_form(fields, samples, focus, wild, extra=wild or target == "extra"))
    return Plan(path, query, body, csrf)
