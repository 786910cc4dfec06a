#!/bin/sh
# Writes what `mailscope --version` prints besides the version: the git commit the build came from.
#   sh src/build/build-info.sh OUTPUT_FILE VERSION      (pom.xml, exec-maven-plugin, generate-resources)
# Outside a git checkout (a source tarball) the commit is "unknown"; uncommitted changes add "-dirty".
set -eu
file="$1"
version="$2"
cd "$(dirname "$0")/../.."
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit-dirty"
fi
mkdir -p "$(dirname "$file")"
printf 'version=%s\ncommit=%s\n' "$version" "$commit" > "$file"
