"""The import contracts of pyproject.toml (design.md "Layers") hold, and they bite.

lint-imports runs on a copy of the apps, so that the deliberate violation never touches the
work tree that other tests and processes read.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "core",
    "loyalty",
    "customers",
    "coupons",
    "certificates",
    "giftcards",
    "terminal",
    "config",
)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _copy_project(dest: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", dest)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, dest / package, ignore=shutil.ignore_patterns("__pycache__")
        )


def test_the_tree_keeps_its_contracts():
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_domain_module_importing_terminal_breaks_the_contracts(tmp_path):
    _copy_project(tmp_path)
    (tmp_path / "customers" / "_violation.py").write_text("import terminal.api\n")

    run = _lint_imports(tmp_path)

    assert run.returncode != 0
    assert "No domain module imports terminal (the HTTP face) BROKEN" in run.stdout
    assert "customers._violation -> terminal.api" in run.stdout
