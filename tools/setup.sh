#!/usr/bin/env bash
# Installs what the demo and the tests need; later runs reuse what is there.
#
#   Debian packages   arm-none-eabi gcc/binutils/newlib, qemu-system-arm,
#                     rustc-web/cargo-web/rust-web-src (Rust with its source,
#                     to build core for thumb targets), rust-web-clippy and
#                     rustfmt-web (the lint step), libclang (bindgen),
#                     uncrustify (the C format check, with MicroPython's config).
#   MicroPython       $MICROPY_DIR if set, else Debian's source package of
#                     micropython (1.26.1) in .cache/; its mpy-cross, which
#                     freezes tests/lib into the test firmwares.
#   Python            one venv per mpremote version, pinned (tools/requirements-*.txt);
#                     mp-romfs (host/) in the 1.29.0 one (tools/requirements-mp-romfs.txt).
#
# Prints the variables the other scripts use (source it, or read .cache/env).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
mkdir -p "$CACHE"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

say() { printf '[setup] %s\n' "$*"; }

# --- Debian packages --------------------------------------------------------
PACKAGES=(
    gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi
    qemu-system-arm
    rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web
    libclang-dev uncrustify
    build-essential pkg-config git
)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's Rust (1.96) carries the library source that -Zbuild-std needs.
DEB_RUSTC=/usr/bin/rustc
DEB_CARGO=/usr/bin/cargo
[ -x "$DEB_RUSTC" ] && [ -d /usr/lib/rustlib/src/rust/library/core ] || { say "Debian's rustc-web/rust-web-src is missing"; exit 1; }
DEB_CARGO_CLIPPY=/usr/bin/cargo-clippy
# Host builds and tests use the cargo on PATH (rustup's), else Debian's.
command -v cargo >/dev/null || export PATH=/usr/bin:$PATH
# The lint step's rustfmt and clippy for that cargo: Debian's are installed
# above; a rustup toolchain may lack them.
if ! { cargo fmt --version && cargo clippy --version; } >/dev/null 2>&1 && command -v rustup >/dev/null; then
    say "adding rustfmt and clippy to the rustup toolchain"
    rustup component add rustfmt clippy
fi

# cargo-fuzz (pinned) for the fuzz target in fuzz/, on rustup's nightly.
if ! cargo fuzz --version 2>/dev/null | grep -q "0.13.2"; then
    say "installing cargo-fuzz 0.13.2"
    cargo install -q cargo-fuzz --version 0.13.2 --locked
fi

# --- MicroPython source -----------------------------------------------------
if [ -z "${MICROPY_DIR:-}" ]; then
    MICROPY_DIR=$CACHE/micropython
    if [ ! -f "$MICROPY_DIR/py/mpconfig.h" ]; then
        say "fetching Debian's source package of micropython"
        apt_dir=$CACHE/apt
        rm -rf "$apt_dir" && mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/archives/partial"
        python3 "$ROOT/tools/debsrc.py" > "$apt_dir/sources.list.d/debian-src.sources"
        touch "$apt_dir/sources.list"
        apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
                  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o "APT::Sandbox::User=root")
        apt-get "${apt_opts[@]}" update -qq
        (cd "$apt_dir" && { apt-get "${apt_opts[@]}" source --download-only -qq micropython=1.26.1+ds-1 2>/dev/null \
            || { say "micropython 1.26.1+ds-1 is gone from the archive; taking its newest version"; apt-get "${apt_opts[@]}" source --download-only -qq micropython; }; })
        rm -rf "$MICROPY_DIR.tmp" && mkdir -p "$MICROPY_DIR.tmp"
        tar -xf "$apt_dir"/micropython_*.orig.tar.* -C "$MICROPY_DIR.tmp" --strip-components=1
        rm -rf "$MICROPY_DIR" && mv "$MICROPY_DIR.tmp" "$MICROPY_DIR"
        say "$(basename "$apt_dir"/micropython_*.dsc .dsc) in $MICROPY_DIR"
    fi
fi

# mpy-cross, built on its own: a firmware build would make it too, but with
# the firmware's BUILD and flags passed down.  Nothing to do once built.
if ! make -C "$MICROPY_DIR/mpy-cross" -j"$(nproc)" > "$CACHE/mpy-cross.log" 2>&1; then
    tail -20 "$CACHE/mpy-cross.log"
    say "building mpy-cross failed (log: $CACHE/mpy-cross.log)"
    exit 1
fi

# --- Python venvs (pinned) --------------------------------------------------
for version in 1.29.0 1.26.1; do
    venv=$CACHE/venv-mpremote-$version
    req=$ROOT/tools/requirements-mpremote-$version.txt
    if [ ! -f "$venv/.installed" ] || ! cmp -s "$req" "$venv/.installed"; then
        say "venv with mpremote $version"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
        cp "$req" "$venv/.installed"
    fi
done

# mp-romfs (host/, editable) in the mpremote 1.29.0 venv, its dependencies pinned.
venv=$CACHE/venv-mpremote-1.29.0
req=$ROOT/tools/requirements-mp-romfs.txt
if [ ! -x "$venv/bin/mp-romfs" ] || ! cmp -s "$req" "$venv/.mp-romfs-installed"; then
    say "mp-romfs in the mpremote 1.29.0 venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
    "$venv/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation -e "$ROOT/host"
    cp "$req" "$venv/.mp-romfs-installed"
fi

cat > "$CACHE/env" <<EOF
ROOT=$ROOT
CACHE=$CACHE
MICROPY_DIR=$MICROPY_DIR
DEB_RUSTC=$DEB_RUSTC
DEB_CARGO=$DEB_CARGO
DEB_CARGO_CLIPPY=$DEB_CARGO_CLIPPY
MPREMOTE_1_29=$CACHE/venv-mpremote-1.29.0/bin/mpremote
MPREMOTE_1_26=$CACHE/venv-mpremote-1.26.1/bin/mpremote
PYTHON=$CACHE/venv-mpremote-1.29.0/bin/python
MP_ROMFS=$CACHE/venv-mpremote-1.29.0/bin/mp-romfs
EOF
say "ready (variables in .cache/env)"
