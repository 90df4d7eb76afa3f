#!/usr/bin/env bash
# Builds the Debian package from the workspace's release build, without a second build:
#   packaging/build-deb.sh [--no-build] [cargo-deb flags...]
# 1. `cargo build --release --workspace` (skipped with --no-build: the binary must be there);
# 2. the man pages and completions from the binary (`forgelens package-files`) into
#    $CARGO_TARGET_DIR/release/package-files, where app/Cargo.toml's assets expect them;
# 3. `cargo deb --no-build`, which packs target/release/forgelens as built.
# Prints the .deb's path last. Needs cargo-deb (`cargo install cargo-deb --locked`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/forgelens/target}"

build=1
if [ "${1:-}" = "--no-build" ]; then
  build=0
  shift
fi
command -v cargo-deb >/dev/null || { echo "cargo-deb is not installed: cargo install cargo-deb --locked" >&2; exit 1; }
if [ "$build" = 1 ]; then
  cargo build --release --workspace >&2
fi
binary="$CARGO_TARGET_DIR/release/forgelens"
[ -x "$binary" ] || { echo "$binary is missing: run cargo build --release --workspace" >&2; exit 1; }

generated="$CARGO_TARGET_DIR/release/package-files"
rm -rf "$generated"
"$binary" package-files --out "$generated" >/dev/null
# Debian compresses man pages (gzip -n: no name or time inside, so the same bytes each time).
gzip -9n "$generated"/man/*.1

# cargo-deb prints the package's path on stdout.
cargo deb --no-build --manifest-path app/Cargo.toml "$@" | tail -n 1
