#!/usr/bin/env bash
# Builds FaceKit in release mode and runs its main job. The HTTP service does not exist yet, so for
# now the main job is `facekit models` (where the models are and whether they verify) followed by
# `facekit embed` on a face chip given as the first argument, if any.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
swift build -c release --product facekit
facekit=$(swift build -c release --show-bin-path)/facekit
"$facekit" models
if [ $# -gt 0 ]; then
    "$facekit" embed --chip "$@"
fi
