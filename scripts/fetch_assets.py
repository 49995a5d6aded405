#!/usr/bin/env python3
"""Fetches the third-party browser assets the pages serve themselves (no CDN, nothing
vendored in git): pinned npm tarballs, checked against their registry sha512 integrity, with
only the files the pages need extracted into static/vendor/ (git-ignored).

Run by `make install` (so by `make run` and `make test`) and by the browser tests' conftest;
a no-op when the pinned version is already there. Standard library only, so it runs before
the virtualenv exists. `--check` only reports whether the assets are in place.

PERKLINE_ASSETS_CACHE: a folder holding the tarballs already (an offline build); they are
checked against the same integrity as a download.
"""

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

# name, version, tarball, its `dist.integrity` as registry.npmjs.org publishes it, and the
# files to take from the tarball (its paths start with "package/").
ASSETS = [
    {
        "name": "html5-qrcode",
        "version": "2.3.8",
        "tarball": "https://registry.npmjs.org/html5-qrcode/-/html5-qrcode-2.3.8.tgz",
        "integrity": "sha512-jsr4vafJhwoLVEDW3n1KvPnCCXWaQfRng0/EEYk1vNcQGcG/htAdhJX0be8Yyq"
        "MoSz7+hZvOZSTAepsabiuhiQ==",
        "files": ["html5-qrcode.min.js", "LICENSE"],
    },
]
STAMP = ".pinned"  # in each asset's folder: the version and integrity it was extracted from


def _stamp(asset) -> str:
    return json.dumps({"version": asset["version"], "integrity": asset["integrity"]})


def is_current(asset) -> bool:
    folder = VENDOR / asset["name"]
    stamp = folder / STAMP
    return (
        stamp.is_file()
        and stamp.read_text() == _stamp(asset)
        and all((folder / f).is_file() for f in asset["files"])
    )


def verify(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"fetch_assets: unsupported integrity {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise SystemExit(
            f"fetch_assets: integrity mismatch: expected sha512-{expected}, got sha512-{actual}"
        )


def download(asset) -> bytes:
    cache = os.environ.get("PERKLINE_ASSETS_CACHE")
    filename = asset["tarball"].rsplit("/", 1)[1]
    if cache and (Path(cache) / filename).is_file():
        return (Path(cache) / filename).read_bytes()
    request = urllib.request.Request(asset["tarball"], headers={"User-Agent": "perkline-assets"})
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (a pinned https URL)
        return answer.read()


def extract(asset, data: bytes) -> None:
    folder = VENDOR / asset["name"]
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for name in asset["files"]:
            member = tar.getmember(f"package/{name}")
            source = tar.extractfile(member)
            if source is None:
                raise SystemExit(f"fetch_assets: {name} is not a file in {asset['tarball']}")
            # Written by name, never by the tarball's own paths (no path traversal).
            (folder / name).write_bytes(source.read())
    (folder / STAMP).write_text(_stamp(asset))


def ensure(quiet: bool = False) -> None:
    for asset in ASSETS:
        if is_current(asset):
            continue
        if not quiet:
            print(f"fetch_assets: {asset['name']} {asset['version']} from {asset['tarball']}")
        data = download(asset)
        verify(data, asset["integrity"])
        extract(asset, data)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        missing = [a["name"] for a in ASSETS if not is_current(a)]
        if missing:
            print("fetch_assets: missing or stale: " + ", ".join(missing), file=sys.stderr)
            return 1
        return 0
    try:
        ensure()
    except OSError as exc:  # no network: say what to do instead of a traceback
        print(
            f"fetch_assets: download failed ({exc}); set PERKLINE_ASSETS_CACHE to a folder "
            "holding the pinned tarballs to build offline",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
