#!/usr/bin/env bash
# Builds the dlib reference program (Reference/) into .build/dlib-reference/dlib-reference.
# It is a test and benchmark tool, not part of FaceKit. Skips the build when the binary is newer
# than every source file and this script. Installs libdlib-dev with apt-get if it is missing.
#
#   CXX   compiler (default g++)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source_dir=$repo_root/Reference
out_dir=$repo_root/.build/dlib-reference
binary=$out_dir/dlib-reference
cxx=${CXX:-g++}

say() { printf 'build-reference: %s\n' "$*" >&2; }

if ! dpkg -s libdlib-dev >/dev/null 2>&1 || [ ! -f /usr/include/dlib/dnn.h ]; then
    say "installing libdlib-dev"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq libdlib-dev >/dev/null
fi

sources=("$source_dir"/*.cpp)
up_to_date=1
if [ -x "$binary" ]; then
    for input in "${sources[@]}" "$source_dir"/*.h "${BASH_SOURCE[0]}"; do
        [ -e "$input" ] || continue
        if [ "$input" -nt "$binary" ]; then up_to_date=0; break; fi
    done
else
    up_to_date=0
fi
if [ "$up_to_date" -eq 1 ]; then
    say "up to date: $binary"
    exit 0
fi

# Debian's dlib 19.24 is configured (dlib/config.h) with DLIB_USE_BLAS, DLIB_USE_LAPACK,
# DLIB_JPEG_SUPPORT and DLIB_PNG_SUPPORT, asserts disabled and no GUI; the DNN kernels live in
# libdlib.so, which calls libblas.so.3 (OpenBLAS through Debian's alternatives when installed).
# pkg-config's dlib-1 lists those libraries; -ldl is for looking up OpenBLAS's thread control.
if pkg-config --exists dlib-1; then
    read -r -a dlib_cflags <<<"$(pkg-config --cflags dlib-1)"
    read -r -a dlib_libs <<<"$(pkg-config --libs dlib-1)"
else
    dlib_cflags=()
    dlib_libs=(-ldlib -lpthread -lpng -lz -ljpeg -lblas -llapack)
fi

mkdir -p "$out_dir"
say "compiling ${sources[*]#"$repo_root"/} (one translation unit; takes a minute or two)"
start=$(date +%s)
"$cxx" -std=c++17 -O3 -march=native -DNDEBUG -w \
    "${dlib_cflags[@]}" "${sources[@]}" -o "$binary.tmp" "${dlib_libs[@]}" -ldl
mv "$binary.tmp" "$binary"
say "built $binary in $(( $(date +%s) - start )) s"
