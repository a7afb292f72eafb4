#!/usr/bin/env bash
# Builds FaceKit in release mode and runs its main job. The HTTP service does not exist yet, so for
# now the main job is `facekit models` (where the models are and whether they verify) followed by
# `facekit detect` on the photos given as arguments, if any.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup.sh
swift build -c release --product facekit
facekit=$(swift build -c release --show-bin-path)/facekit
"$facekit" models
if [ $# -gt 0 ]; then
    "$facekit" detect "$@"
fi
