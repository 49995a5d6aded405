"""Private files (quality.md R12): uploads and the files the product writes for one business.

Imports, rejected-line reports, exports, code lists and sheets live in the "private" storage
(``settings.STORAGES["private"]``): by default the folder ``PERKLINE_PRIVATE_ROOT``, kept
outside ``MEDIA_ROOT`` so that no static or media server can serve it. Such a file has no
URL; a view hands it out after checking the business and the role. Its name holds a random
128-bit token, so one name tells nothing about another. Public media (logos, series and
certificate images) stay in the default storage.
"""

import secrets
from pathlib import Path, PurePath

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.text import get_valid_filename

PRIVATE = "private"
STEM_CHARS, SUFFIX_CHARS = 60, 10  # the stored name stays well under a FileField's 255


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder (``PERKLINE_PRIVATE_ROOT`` unless ``location`` is given) that has no URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PERKLINE_PRIVATE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PERKLINE_PRIVATE_ROOT":  # tests point it at a temporary folder
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        # A link would bypass the business and role checks: only a view may hand it out.
        raise ValueError(f"{name!r} is a private file: serve it through a view that checks access")


def private_storage():
    """The storage of private files; FileFields take it as ``storage=private_storage``."""
    return storages[PRIVATE]


def safe_filename(filename: str, *, default: str = "file") -> str:
    """The last part of an uploaded file's name, reduced to letters, digits, ``-_.``."""
    name = PurePath(str(filename).replace("\\", "/")).name
    try:
        name = get_valid_filename(name)
    except SuspiciousFileOperation:  # nothing usable was left
        return default
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return name[:STEM_CHARS]
    return f"{stem[:STEM_CHARS]}.{suffix[:SUFFIX_CHARS]}"


def private_name(folder: str, filename: str, *, owner) -> str:
    """``<folder>/<owner>/<random 128-bit token>/<safe original name>``."""
    return f"{folder}/{owner or 'shared'}/{secrets.token_hex(16)}/{safe_filename(filename)}"


@deconstructible
class PrivateName:
    """``upload_to`` of a private FileField: ``private_name`` under ``folder``, by business."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return private_name(self.folder, filename, owner=getattr(instance, "business_id", None))

    def __eq__(self, other):
        return isinstance(other, PrivateName) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)


def _inside(path, root) -> bool:
    if not root:
        return False
    path, root = Path(path).resolve(), Path(root).resolve()
    return path == root or root in path.parents or path in root.parents


@register(Tags.security, deploy=False)
def check_private_root(app_configs=None, **kwargs):
    """A private folder inside (or around) a served one would be served with it."""
    storage = private_storage()
    if not isinstance(storage, FileSystemStorage):
        return []  # a bucket: its access is the bucket's policy (docs/operations.md)
    errors = []
    for setting in ("MEDIA_ROOT", "STATIC_ROOT"):
        if _inside(storage.location, getattr(settings, setting, None)):
            errors.append(
                Error(
                    f"The private files folder {storage.location} overlaps {setting}: "
                    "a web server serving that folder would serve private files.",
                    hint="Set PERKLINE_PRIVATE_ROOT to a folder outside MEDIA_ROOT and "
                    "STATIC_ROOT.",
                    id="core.E010",
                )
            )
    return errors
