from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed


class ProgramImportError(ValidationFailed):
    """A program document that cannot be imported: every problem with its JSON path.

    `errors` is a list of `(json_path, message)`, e.g.
    `("rules[3].depends_on.thresholds[1].from", "Thresholds must be in ascending order")`;
    `"$"` is the document as a whole. Nothing was written when this is raised.
    """

    default_message = _("The program document has errors.")

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = [(path, str(message)) for path, message in errors]
        first_path = self.errors[0][0] if self.errors else None
        super().__init__(
            "\n".join(self.lines()) or None,
            field=first_path,
            extra={"errors": [{"path": p, "message": m} for p, m in self.errors]},
        )

    def lines(self) -> list[str]:
        return [f"{path}: {message}" for path, message in self.errors]
