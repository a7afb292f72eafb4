#!/usr/bin/env bash
# FaceKit's main job: the HTTP service and its web page on the embedded SQLite gallery.
# Installs what is missing (Scripts/setup.sh), builds in release mode, checks the models, then runs
# `facekit serve` in the foreground (http://127.0.0.1:8080/ by default; Ctrl-C stops it cleanly).
# Arguments go to `facekit serve`, e.g. `Scripts/run.sh --port 9000 --gallery sqlite:/data/faces.sqlite`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
swift build -c release --product facekit
facekit=$(swift build -c release --show-bin-path)/facekit
"$facekit" models >/dev/null || { "$facekit" models; exit 5; }
exec "$facekit" serve "$@"
