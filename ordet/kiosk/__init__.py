"""Kiosk tablets: enrolment to one tilbud, and the kiosk's own screens (start, language, reset)."""
