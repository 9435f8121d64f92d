"""The one exception admin services raise: a Danish message, and the field it belongs to."""


class AdminError(ValueError):
    """Bad input that changes nothing; shown at ``field`` (or at the top when None)."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
