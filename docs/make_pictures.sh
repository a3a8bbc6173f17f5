#!/usr/bin/env bash
# Renders the README's pictures (docs/*.png) from the SVG tcpvet draws, with headless chromium.
# usage: docs/make_pictures.sh [BUILD_DIR]   (default ./build-dev, else ./build: tcpvet and tests/tcpvet_gen built)
# graph-KIND.png: `tcpvet graph --kind KIND` of a generated 4,000-segment download
# (`tcpvet_gen bulk_stream --count 4000`: fast retransmits with SACK, zero-window stalls).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-}"
if [[ -z "$build" ]]; then
    if [[ -x "$repo/build-dev/tcpvet" ]]; then build="$repo/build-dev"; else build="$repo/build"; fi
fi
tcpvet="$build/tcpvet"
gen="$build/tests/tcpvet_gen"
command -v chromium >/dev/null || { echo "make_pictures.sh: chromium not installed" >&2; exit 1; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# shot SVG PNG: a 1000x600 screenshot of the SVG (the size it declares), reduced to a palette by
# pngquant when it is installed (the PNGs live in the repository: ~10-20 KB instead of ~30-50 KB).
shot() {
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,600 \
        --screenshot="$2" "file://$1" >/dev/null 2>&1
    if command -v pngquant >/dev/null; then pngquant --force --quality=60-90 --speed 1 --output "$2" "$2"; fi
    echo "wrote $2 ($(wc -c <"$2") bytes)"
}

"$gen" bulk_stream "$scratch/bulk.pcap" --count 4000 2>/dev/null
for kind in sequence throughput rtt window; do
    "$tcpvet" graph "$scratch/bulk.pcap" --stream 0 --kind "$kind" -o "$scratch/graph-$kind.svg"
    shot "$scratch/graph-$kind.svg" "$repo/docs/graph-$kind.png"
done
