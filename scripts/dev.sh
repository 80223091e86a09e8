#!/usr/bin/env bash
# Set up the environment (a venv in .venv, pip only) and run the app or the test suite.
#   bash scripts/dev.sh app    install, then open the app on the bundled DIY data
#   bash scripts/dev.sh test   install, then run ruff and the whole test suite
#   bash scripts/dev.sh setup  install only
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV"
    fi
    # One environment for the app and the tests; install only when pyproject.toml changed.
    stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
        touch "$stamp"
    fi
}

system_packages() {
    # Browser tests drive Debian's chromium; GPX files are checked with gpsbabel; the
    # PostgreSQL tests start a throw-away cluster with the server of Debian's postgresql.
    # Installed when missing and this user may (root, as on CI); else those tests skip.
    missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v gpsbabel >/dev/null 2>&1 || missing+=(gpsbabel)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null; } ||
            echo "warning: could not install ${missing[*]}; their tests will be skipped" >&2
    fi
}

case "${1:-}" in
    app)
        setup
        shift
        exec "$VENV/bin/streamlit" run app.py --server.address 127.0.0.1 \
            --browser.gatherUsageStats false "$@"
        ;;
    test)
        setup
        system_packages
        shift
        "$VENV/bin/ruff" check .
        # one worker per core (at most 4): a test file stays on one worker, the browser
        # tests share one (tests/conftest.py); "-n 0" as an argument runs in one process
        exec "$VENV/bin/python" -m pytest -n auto --maxprocesses 4 --dist loadgroup "$@"
        ;;
    setup)
        setup
        ;;
    *)
        echo "usage: bash scripts/dev.sh app|test|setup" >&2
        exit 2
        ;;
esac
