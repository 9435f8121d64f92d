"""Every user-visible string is in the catalogues: Danish present, English translated."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def catalogue(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_extracted_string_is_missing_from_the_catalogue(extracted, language):
    known = {m.id for m in catalogue(language) if m.id}
    missing = sorted(str(i) for i in extracted - known)
    assert missing == [], f"run `make i18n-extract`; missing in {language}: {missing[:10]}"


def test_the_english_catalogue_is_complete(extracted):
    english = catalogue("en")
    untranslated = sorted(
        str(m.id)
        for m in english
        if m.id in extracted
        and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    )
    assert untranslated == [], f"untranslated or fuzzy in en: {untranslated[:10]}"
