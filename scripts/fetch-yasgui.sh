#!/usr/bin/env bash
# Fetch the YASGUI SPARQL editor (@zazuko/yasgui) from the npm registry into the package's static
# folder, where the /editor page finds it. It is never committed (see .gitignore): this script is
# the install/build step that brings it in. The tarball's integrity is checked against the pinned
# hash, so a changed package on the registry fails the step instead of reaching users.
# Needs npm and python3. Usage: scripts/fetch-yasgui.sh [DEST]
set -euo pipefail

VERSION="4.6.2"
INTEGRITY="sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-$HERE/service/cancerkg/web/static/yasgui}"

if [ -f "$DEST/yasgui.min.js" ] && [ -f "$DEST/VERSION" ] && [ "$(cat "$DEST/VERSION")" = "$VERSION" ]; then
    echo "yasgui $VERSION already in $DEST"
    exit 0
fi
command -v npm >/dev/null || { echo "npm is needed to fetch @zazuko/yasgui (apt-get install npm)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zazuko/yasgui@$VERSION" >/dev/null)
tarball="$work/zazuko-yasgui-$VERSION.tgz"
actual="$(python3 -c 'import base64, hashlib, sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")"
if [ "$actual" != "$INTEGRITY" ]; then
    echo "integrity mismatch for @zazuko/yasgui@$VERSION: $actual" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/build/yasgui.min.js package/build/yasgui.min.css package/package.json
mkdir -p "$DEST"
cp "$work/package/build/yasgui.min.js" "$work/package/build/yasgui.min.css" "$DEST/"
cp "$work/package/package.json" "$DEST/package.json"  # names the MIT licence and the authors
echo "$VERSION" > "$DEST/VERSION"
echo "yasgui $VERSION installed in $DEST"
