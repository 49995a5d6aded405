#!/usr/bin/env bash
# Creates .venv with Python >= 3.12 and installs the project with its dev tools.
# Django 6.1 needs 3.12+, while this machine's default python3 may be older, so the
# interpreter is searched for explicitly. Re-running is cheap: pip skips what is there.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"

python_ok() {
    "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    if [[ -n "${PYTHON:-}" ]] && python_ok "$PYTHON"; then
        echo "$PYTHON"
        return 0
    fi
    for candidate in python3.13 python3.12; do
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    # pyenv's shims fail unless the version is selected, so look at its installs directly,
    # newest first.
    for candidate in $(ls -d /root/.pyenv/versions/3.1[23]*/bin/python3.1[23] \
        "${HOME:-/root}"/.pyenv/versions/3.1[23]*/bin/python3.1[23] 2>/dev/null | sort -rV) \
        /usr/bin/python3 /usr/local/bin/python3; do
        if [[ -x "$candidate" ]] && python_ok "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if [[ -x "$VENV/bin/python" ]] && ! python_ok "$VENV/bin/python"; then
    echo "setup_env: $VENV uses Python < 3.12; recreating it" >&2
    rm -rf "$VENV"
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    if ! PY="$(find_python)"; then
        echo "setup_env: Python 3.12 or newer is required (Django 6.1)." >&2
        echo "  Install python3.12/python3.13 or set PYTHON=/path/to/python3.12." >&2
        exit 1
    fi
    echo "setup_env: creating $VENV with $PY ($("$PY" --version 2>&1))"
    "$PY" -m venv "$VENV"
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# Editable install: pyproject lists no packages, so this installs the dependencies and
# leaves the apps importable from the working tree.
"$VENV/bin/python" -m pip install --quiet -e '.[dev]'
touch "$VENV/.installed"
echo "setup_env: $VENV ready ($("$VENV/bin/python" --version 2>&1))"
