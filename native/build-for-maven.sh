#!/bin/sh
# Maven's hook into native/Makefile (pom.xml, exec-maven-plugin, compile phase):
#   sh native/build-for-maven.sh OUTPUT_DIR VERSION
# Builds mailscope-capture (and its sanitizer build for the tests) into OUTPUT_DIR, next to mailscope.jar, when a
# C compiler, make and libpcap's headers are there. When one is missing it says so and succeeds: mailscope then
# captures in process through pcap4j (as root, or with setpriv). A compile error with everything present fails
# the build: the code is compiled with -Werror on purpose.
set -eu
out="$1"
version="$2"
here="$(cd "$(dirname "$0")" && pwd)"
cc="${CC:-cc}"
skip() {
    echo "[mailscope] native/mailscope-capture not built: $1. Live capture will run in process through pcap4j" \
         "(as root or with setpriv: docs/live.md). To build the helper: apt-get install gcc make libpcap-dev" >&2
    exit 0
}
command -v make >/dev/null 2>&1 || skip "make is not installed"
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc)"
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf '#include <pcap/pcap.h>\nint main(void) { return pcap_lib_version() == 0; }\n' > "$probe/p.c"
"$cc" "$probe/p.c" -o "$probe/p" -lpcap >/dev/null 2>&1 || skip "libpcap's headers or library are missing (libpcap-dev)"
make -s -C "$here" O="$out" VERSION="$version" all
echo "[mailscope] built $out/mailscope-capture"
if "$cc" -fsanitize=address,undefined "$probe/p.c" -o "$probe/s" -lpcap >/dev/null 2>&1; then
    make -s -C "$here" O="$out" VERSION="$version" asan
else
    echo "[mailscope] no sanitizer runtime (libasan, libubsan): the helper's sanitizer tests will be skipped" >&2
fi
