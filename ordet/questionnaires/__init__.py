"""Questionnaire definitions: versioned TOML files in ``definitions/``, loaded and validated."""

from .loader import QuestionnaireError, all_versions, get, latest, load_file

__all__ = ["QuestionnaireError", "all_versions", "get", "latest", "load_file"]
