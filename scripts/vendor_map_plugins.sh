#!/usr/bin/env bash
# Fetch the Leaflet plugins that shared maps inline, from the npm registry only, at pinned
# versions with pinned integrity hashes, into geo_outreach/render/assets/ (maintainers only: the
# files are committed, so nothing is fetched when a map is built or opened).
#
#   leaflet-search 2.9.7      the village search box    (MIT, Stefano Cudini)
#   leaflet.fullscreen 3.0.0  the full-screen button    (MIT, Bruno Bergot)
#
# These are the versions folium 0.20's Search and Fullscreen plugins load from a CDN.
# Leaflet itself comes from the pip package xstatic-leaflet (see geo_outreach/maps.py).
# Needs npm and node. Run from anywhere: bash scripts/vendor_map_plugins.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DEST=geo_outreach/render/assets
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name version integrity (from `npm view NAME@VERSION dist.integrity`)
PACKAGES=(
    "leaflet-search 2.9.7 sha512-v7CxEbXyQXqLFjSkTpvM5i1cvmrcPOos57UmTnR94qqvVZykXyz/0SKEs3cbkFHjyrmMQ3Yk2Q5W6PvyuiSuPg=="
    "leaflet.fullscreen 3.0.0 sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ=="
)

fetch() {
    local name=$1 version=$2 integrity=$3
    (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
    local tarball="$work/$name-$version.tgz"
    local actual
    actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");
        process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1]))
        .digest("base64"))' "$tarball")"
    if [ "$actual" != "$integrity" ]; then
        echo "integrity mismatch for $name@$version: got $actual" >&2
        exit 1
    fi
    mkdir -p "$work/$name"
    tar -xzf "$tarball" -C "$work/$name"
}

for entry in "${PACKAGES[@]}"; do
    # shellcheck disable=SC2086
    fetch $entry
done

search="$work/leaflet-search/package"
fullscreen="$work/leaflet.fullscreen/package"
# The package's own layout, so the stylesheet's url(../images/...) still resolves.
rm -rf "$DEST/leaflet-search" "$DEST/leaflet.fullscreen"
mkdir -p "$DEST/leaflet-search/dist" "$DEST/leaflet-search/images" "$DEST/leaflet.fullscreen"
cp "$search/dist/leaflet-search.min.js" "$search/dist/leaflet-search.min.css" \
    "$DEST/leaflet-search/dist/"
cp "$search/license.txt" "$DEST/leaflet-search/"
cp "$search/images/search-icon.png" "$search/images/loader.gif" "$DEST/leaflet-search/images/"
cp "$fullscreen/Control.FullScreen.js" "$fullscreen/Control.FullScreen.css" \
    "$fullscreen/icon-fullscreen.svg" "$fullscreen/LICENSE" "$DEST/leaflet.fullscreen/"

# The manifest a test checks the committed files against.
(
    cd "$DEST"
    {
        echo "# package version file sha256 (written by scripts/vendor_map_plugins.sh)"
        for entry in "${PACKAGES[@]}"; do
            # shellcheck disable=SC2086
            set -- $entry
            find "$1" -type f | LC_ALL=C sort | while read -r file; do
                echo "$1 $2 $file $(sha256sum "$file" | cut -d' ' -f1)"
            done
        done
    } > MANIFEST.txt
)
echo "wrote $DEST (see $DEST/MANIFEST.txt)"
