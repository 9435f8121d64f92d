"""Weeks: the finest time a response carries (DESIGN.md: "the week at most")."""

from datetime import date, timedelta


def week_of(day: date) -> date:
    """The Monday of the ISO week ``day`` falls in: how a week is stored."""
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    """ "uge 48 2026": how a week is shown (ISO week number and its year)."""
    year, week, _day = monday.isocalendar()
    return f"uge {week} {year}"
