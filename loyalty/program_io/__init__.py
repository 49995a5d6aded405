"""Program documents (docs/program-format.md): export, import, and reading uploaded bytes."""

from .errors import ProgramImportError
from .exporter import export_program
from .importer import ImportResult, import_program
from .schema import FORMAT, parse_document

__all__ = [
    "FORMAT",
    "ImportResult",
    "ProgramImportError",
    "export_program",
    "import_program",
    "parse_document",
]
