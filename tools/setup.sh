#!/usr/bin/env bash
# Install what building, running and testing Dormer needs, on Debian or Ubuntu.
# Idempotent: only missing packages are installed, and it says what it does.
set -euo pipefail

packages=(
    scons               # the build
    gcc binutils        # kernel compiler, linker, objdump/nm for symbols
    python3             # SCons and the tools/ helpers
    grub-pc-bin         # BIOS GRUB images for the ISO
    grub-common         # grub-mkrescue
    xorriso mtools      # what grub-mkrescue drives to write the ISO
    dosfstools          # fsck.fat checks FAT32 images the tests write
    qemu-system-x86     # runs Dormer
    libcmocka-dev       # host unit tests
    clang libclang-rt-14-dev   # libFuzzer harnesses (clang -fsanitize=fuzzer)
    gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64   # user programs and DLLs (PE32+)
    g++-mingw-w64-x86-64-win32   # x86_64-w64-mingw32-g++ (win32 threads): C++ tests, the ISO's libstdc++-6.dll
    g++-mingw-w64-x86-64-posix   # x86_64-w64-mingw32-g++-posix: std::thread over libwinpthread
    mingw-w64-x86-64-dev         # mingw-w64's headers, import libraries and libwinpthread-1.dll
    gnuplot-nox         # scons bench's chart
    dpkg-dev            # dpkg-source, which unpacks lwIP's Debian source package
)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: this script knows Debian/Ubuntu (apt). Install by hand: ${packages[*]}" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

fetch_lwip() {
    # lwIP 2.1.3 (the TCP/IP stack) from Debian's source package, into build/third_party/lwip.
    # A private apt configuration under build/apt keeps the system's own package lists untouched.
    local root build apt dest
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    build="$root/build"
    apt="$build/apt"
    dest="$build/third_party/lwip"
    if [ -f "$dest/src/include/lwip/init.h" ]; then
        echo "setup: lwIP is in build/third_party/lwip."
        return 0
    fi
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$build/third_party"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
        >"$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
                -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
                -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
    echo "setup: fetching lwIP's Debian source package"
    apt-get "${opts[@]}" -q update
    local work="$build/third_party/lwip.fetch"
    rm -rf "$work"
    mkdir -p "$work"
    (cd "$work" && apt-get "${opts[@]}" -q source lwip=2.1.3+dfsg1-2)
    local src
    src="$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'lwip-*' | head -1)"
    if [ -z "$src" ] || [ ! -f "$src/src/include/lwip/init.h" ]; then
        echo "setup: lwIP's source did not unpack as expected" >&2
        return 1
    fi
    rm -rf "$dest"
    mv "$src" "$dest"
    rm -rf "$work"
    echo "setup: lwIP is in build/third_party/lwip."
}

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: everything Dormer needs is installed."
    fetch_lwip
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists once if they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
    echo "setup: apt-get update"
    "${sudo[@]}" apt-get update -q
fi
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fetch_lwip
echo "setup: done."
