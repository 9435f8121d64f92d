"""Flask-WTF's CSRF protection, checking each POST's token with a serializer kept per secret.

Every press of a button on a tablet is a POST and is checked. Flask-WTF's ``validate_csrf``
builds a new serializer for every check, whose signer then derives its key and sends the HMAC
down the standard library's pure-Python path. Here the serializer is made once per secret key
(``session_cookie.KeyCachingSerializer``), which took a screen save from 2.44 M to 2.37 M
instructions (``bench/instructions.py``). The tokens are Flask-WTF's own (its
``generate_csrf`` still makes them), and the checks, their order and their messages are
Flask-WTF 1.3's ``CSRFProtect.protect`` and ``validate_csrf``;
``tests/test_csrf.py`` holds both to the same verdicts.
"""

import hashlib
import hmac

from flask import current_app, g, request, session
from flask_wtf import csrf as flask_wtf_csrf
from itsdangerous import BadData, SignatureExpired
from wtforms import ValidationError

from .session_cookie import KeyCachingSerializer

SALT = "wtf-csrf-token"  # Flask-WTF's, so its tokens are the ones checked


class CSRFProtect(flask_wtf_csrf.CSRFProtect):
    def __init__(self, app=None) -> None:
        self._serializer: tuple[str | bytes, KeyCachingSerializer] | None = None
        super().__init__(app)

    def protect(self, apply_exemptions: bool = False) -> None:
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        try:
            self.validate(self._get_csrf_token())
        except ValidationError as error:
            flask_wtf_csrf.logger.info(error.args[0])
            self._error_response(error.args[0])
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not flask_wtf_csrf.same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True  # the forms of this request need not check again

    def validate(self, data: str | None) -> None:
        """Raise ``ValidationError`` unless ``data`` is this session's signed token."""
        config = current_app.config
        field_name = config["WTF_CSRF_FIELD_NAME"]
        if not data:
            raise ValidationError("The CSRF token is missing.")
        if field_name not in session:
            raise ValidationError("The CSRF session token is missing.")
        try:
            token = self._serializer_for_app().loads(data, max_age=config["WTF_CSRF_TIME_LIMIT"])
        except SignatureExpired as error:
            raise ValidationError("The CSRF token has expired.") from error
        except BadData as error:
            raise ValidationError("The CSRF token is invalid.") from error
        if not hmac.compare_digest(session[field_name], token):
            raise ValidationError("The CSRF tokens do not match.")

    def _serializer_for_app(self) -> KeyCachingSerializer:
        secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        if secret is None:
            raise RuntimeError("A secret key is required to use CSRF.")
        kept = self._serializer
        if kept is None or kept[0] != secret:
            # One kept: a server has one secret (tests make apps with others, one at a time).
            kept = self._serializer = (
                secret,
                KeyCachingSerializer(
                    secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha1}
                ),
            )
        return kept[1]
