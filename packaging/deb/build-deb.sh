#!/bin/sh
# Builds target/mailscope_VERSION_ARCH.deb from what `mvn package` made (the shaded jar and the helper).
#   sh packaging/deb/build-deb.sh TARGET_DIR VERSION       (pom.xml, profile "deb": mvn -P deb package)
# Debian's own dpkg-deb builds the archive (--root-owner-group: every file root:root without fakeroot);
# dpkg-shlibdeps computes the helper's library dependencies. docs/packaging.md says what goes where and why.
set -eu
umask 022
target="$(cd "$1" && pwd)"
version="$2"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

for tool in dpkg-deb dpkg-shlibdeps gzip strip; do
    command -v "$tool" >/dev/null 2>&1 || { echo "[mailscope] cannot build the package: $tool is missing (apt-get install dpkg-dev binutils)" >&2; exit 1; }
done
[ -f "$target/mailscope.jar" ] || { echo "[mailscope] $target/mailscope.jar is missing: run mvn package" >&2; exit 1; }
[ -x "$target/mailscope-capture" ] || { echo "[mailscope] the capture helper was not built (needs gcc, make and libpcap-dev: native/README.md); the package needs it" >&2; exit 1; }

arch="$(dpkg --print-architecture)"
work="$target/deb"
root="$work/root"
rm -rf "$work"
mkdir -p "$root/DEBIAN"

install -D -m 0755 "$here/mailscope.sh" "$root/usr/bin/mailscope"
install -D -m 0644 "$target/mailscope.jar" "$root/usr/share/mailscope/mailscope.jar"
install -D -m 0755 "$target/mailscope-capture" "$root/usr/lib/mailscope/mailscope-capture"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/lib/mailscope/mailscope-capture"
# The class-data sharing archive is made at install time with the installed Java (postinst), from these training
# runs on the sample captures: an archive made here would only fit the Java of the build machine.
install -D -m 0755 "$repo/src/build/cds-archive.sh" "$root/usr/lib/mailscope/cds-archive"
for pcap in "$repo"/samples/*.pcap; do
    install -D -m 0644 "$pcap" "$root/usr/share/mailscope/samples/$(basename "$pcap")"
done

# Man pages and completion, generated from the picocli model by the jar itself.
java -cp "$target/mailscope.jar" io.mailscope.cli.PackageDocs "$work/generated" "$version" >/dev/null
for page in "$work/generated/man/"*.1; do
    install -D -m 0644 "$page" "$root/usr/share/man/man1/$(basename "$page")"
    gzip -9n "$root/usr/share/man/man1/$(basename "$page")"
done
install -D -m 0644 "$work/generated/completion/mailscope.bash" "$root/usr/share/bash-completion/completions/mailscope"
install -D -m 0644 "$work/generated/completion/_mailscope" "$root/usr/share/zsh/vendor-completions/_mailscope"

install -D -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/mailscope"

doc="$root/usr/share/doc/mailscope"
install -D -m 0644 "$here/copyright" "$doc/copyright"
install -m 0644 "$repo/README.md" "$doc/README.md"
for f in "$repo"/docs/*.md; do
    install -m 0644 "$f" "$doc/$(basename "$f")"
done
gzip -9n "$doc"/*.md
commit="$(cd "$repo" && git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
{
    echo "mailscope ($version) unstable; urgency=medium"
    echo
    echo "  * Built from the mailscope repository at commit $commit."
    echo
    echo " -- mailscope developers <mailscope@example.org>  $(LC_ALL=C date -u -R)"
} > "$doc/changelog"
gzip -9n "$doc/changelog"

# The helper's shared-library dependencies, as Debian computes them (dpkg-shlibdeps wants a debian/control).
mkdir -p "$work/shlibs/debian"
printf 'Source: mailscope\n\nPackage: mailscope\nArchitecture: any\n' > "$work/shlibs/debian/control"
shlibs="$(cd "$work/shlibs" && dpkg-shlibdeps -O "$root/usr/lib/mailscope/mailscope-capture" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[ -n "$shlibs" ] || { echo "[mailscope] dpkg-shlibdeps found no dependencies for the helper" >&2; exit 1; }

install -m 0755 "$here/postinst" "$root/DEBIAN/postinst"
install -m 0755 "$here/prerm" "$root/DEBIAN/prerm"
install -m 0755 "$here/postrm" "$root/DEBIAN/postrm"
install -m 0644 "$here/triggers" "$root/DEBIAN/triggers"
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" \
    "$here/control.in" > "$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"

deb="$target/mailscope_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "[mailscope] built $deb"
