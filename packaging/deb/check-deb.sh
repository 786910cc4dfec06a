#!/bin/sh
# The release check of the Debian package (README, "Release check"; docs/packaging.md). Run as root on a
# machine that may install packages (CI runs it after `mvn -B test` and `mvn -B -P deb -DskipTests package`):
#   sh packaging/deb/check-deb.sh target/mailscope_VERSION_ARCH.deb
# It inspects the package, runs lintian (no errors allowed), installs it with apt-get, checks the command, the
# man pages, the completion scripts, the class-data sharing archive postinst makes, the helper's owner, mode and
# capabilities, captures on lo as a member of group mailscope (and is refused as a non-member), then removes and
# purges it and checks nothing is left.
set -eu

deb="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[ -f "$deb" ] || { echo "no such package: $1" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "the package check installs the package: run it as root" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
APT="apt-get -o DPkg::Lock::Timeout=300 -y -qq"
HELPER=/usr/lib/mailscope/mailscope-capture
JSA=/var/cache/mailscope/mailscope.jsa
MEMBER=mailscope-check
work="$(mktemp -d)"
chmod 0755 "$work"

step() { echo "[package check] $*"; }
fail() { echo "[package check] FAILED: $*" >&2; exit 1; }

cleanup() {
    status=$?
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
    if getent passwd "$MEMBER" >/dev/null; then userdel "$MEMBER" 2>/dev/null || true; fi
    if dpkg -s mailscope >/dev/null 2>&1; then $APT purge mailscope >/dev/null 2>&1 || true; fi
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT

version="$(dpkg-deb -f "$deb" Version)"

step "contents of $(basename "$deb")"
dpkg-deb --info "$deb" >/dev/null
dpkg-deb -f "$deb" Depends | grep -q 'java17-runtime-headless' || fail "no dependency on a Java 17 runtime"
dpkg-deb -f "$deb" Depends | grep -q 'libpcap0.8' || fail "no dependency on libpcap"
dpkg-deb --contents "$deb" > "$work/contents"
for path in ./usr/bin/mailscope ./usr/share/mailscope/mailscope.jar ./usr/lib/mailscope/mailscope-capture \
            ./usr/share/man/man1/mailscope.1.gz ./usr/share/man/man1/mailscope-live.1.gz \
            ./usr/share/man/man1/mailscope-analyze.1.gz ./usr/share/man/man1/mailscope-interfaces.1.gz \
            ./usr/share/bash-completion/completions/mailscope ./usr/share/zsh/vendor-completions/_mailscope \
            ./usr/share/doc/mailscope/copyright ./usr/share/doc/mailscope/live.md.gz \
            ./usr/lib/mailscope/cds-archive ./usr/share/mailscope/samples/starttls-ok.pcap; do
    grep -q " $path\$" "$work/contents" || fail "$path is not in the package"
done
if grep -v '^d' "$work/contents" | grep -qv ' root/root '; then fail "a file is not owned by root:root"; fi

if command -v lintian >/dev/null 2>&1; then
    step "lintian"
    lintian --fail-on error --suppress-tags executable-in-usr-lib "$deb" 2>&1 | grep -v 'running with root privileges' || true
    lintian --fail-on error "$deb" >/dev/null 2>&1 || fail "lintian reports errors"
else
    step "lintian is not installed: skipped (apt-get install lintian)"
fi

step "apt-get install ./$(basename "$deb")"
(cd "$(dirname "$deb")" && $APT install "./$(basename "$deb")" >"$work/apt.log" 2>&1) || { cat "$work/apt.log" >&2; fail "apt-get install"; }

step "mailscope --version"
out="$(mailscope --version)"
echo "  $out"
echo "$out" | grep -Eq "^mailscope $version \\(commit [0-9a-f]{12}(-dirty)?\\)\$" || fail "--version: $out"

step "class-data sharing archive, made by postinst with the installed Java"
[ -s "$JSA" ] || fail "$JSA was not made at install time"
# -Xshare:on after the launcher's -Xshare:auto: the JVM refuses to start unless it maps the archive.
MAILSCOPE_JAVA_OPTS=-Xshare:on mailscope --version >/dev/null 2>"$work/cds.err" || { cat "$work/cds.err" >&2; fail "the JVM does not use $JSA"; }
# A damaged (or, after a Java upgrade, foreign) archive is ignored without a word.
cp "$JSA" "$work/mailscope.jsa"
echo damaged > "$JSA"
out="$(mailscope --version 2>&1)" || fail "mailscope does not start with a damaged archive: $out"
echo "$out" | grep -Eq "^mailscope $version " && [ "$(echo "$out" | wc -l)" = 1 ] || fail "a damaged archive is not ignored silently: $out"
# No archive at all: the launcher leaves the option out.
rm -f "$JSA"
mailscope --version >/dev/null 2>&1 || fail "mailscope does not start without the archive"
# A Java installed or upgraded under /usr/lib/jvm triggers postinst, which makes the archive again.
dpkg-trigger --no-await /usr/lib/jvm && dpkg --triggers-only --pending >/dev/null 2>&1 || fail "the /usr/lib/jvm trigger"
[ -s "$JSA" ] || fail "the /usr/lib/jvm trigger did not make $JSA again"
echo "  $(du -h "$JSA" | cut -f1) archive, used by the JVM; ignored when damaged; made again on a Java change"

step "man pages"
for page in mailscope mailscope-live mailscope-analyze mailscope-interfaces; do
    MANWIDTH=80 man "$page" > "$work/$page.txt" 2>/dev/null || fail "man $page"
    warnings="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 "$page" 2>&1 >/dev/null || true)"
    [ -z "$warnings" ] || fail "man $page: $warnings"
done
grep -q 'LIVE CAPTURE AND PRIVILEGES' "$work/mailscope.txt" || fail "man mailscope has no privileges section"
grep -q -- '--capture-helper' "$work/mailscope-live.txt" || fail "man mailscope-live lacks --capture-helper"

step "completion"
replies="$(bash -c '. /usr/share/bash-completion/completions/mailscope
    COMP_WORDS=(mailscope li); COMP_CWORD=1; COMP_LINE="mailscope li"; COMP_POINT=${#COMP_LINE}
    _complete_mailscope 2>/dev/null; echo "${COMPREPLY[*]}"')"
[ "$replies" = "live" ] || fail "bash completes 'mailscope li' to '$replies', not 'live'"
replies="$(bash -c '. /usr/share/bash-completion/completions/mailscope
    COMP_WORDS=(mailscope live --capture-h); COMP_CWORD=2; COMP_LINE="mailscope live --capture-h"; COMP_POINT=${#COMP_LINE}
    _complete_mailscope 2>/dev/null; echo "${COMPREPLY[*]}"')"
echo "$replies" | grep -q -- '--capture-helper' || fail "bash does not complete live's options: '$replies'"
if command -v zsh >/dev/null 2>&1; then
    comp="$(zsh -fc 'fpath=(/usr/share/zsh/vendor-completions $fpath); autoload -U compinit; compinit -u -D; print -r -- ${_comps[mailscope]}')"
    [ "$comp" = "_mailscope" ] || fail "zsh does not register _mailscope for mailscope: '$comp'"
    # A real completion in an interactive zsh on a pseudo-terminal: "mailscope li<TAB>" must become "mailscope live".
    cat > "$work/complete.zsh" <<'ZSH'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'PS1="> "; fpath=(/usr/share/zsh/vendor-completions $fpath); autoload -U compinit; compinit -u -D'
sleep 1
zpty -w -n z $'mailscope li\t'
sleep 3
all=""
while zpty -r -t z chunk; do all+=$chunk; done
zpty -d z
[[ $all == *"mailscope live"* ]]
ZSH
    timeout 30 zsh -f "$work/complete.zsh" || fail "zsh does not complete 'mailscope li' to 'mailscope live'"
else
    step "zsh is not installed: its completion check is skipped"
fi

step "the capture helper: owner, mode, capabilities"
[ "$(stat -c '%U:%G %a' "$HELPER")" = "root:mailscope 750" ] || fail "$HELPER is $(stat -c '%U:%G %a' "$HELPER")"
getcap "$HELPER" | grep -q 'cap_net_admin,cap_net_raw=eip' || fail "$HELPER has capabilities '$(getcap "$HELPER")'"

step "a member of group mailscope captures on lo; a non-member may not"
useradd --no-create-home --home-dir /nonexistent --gid nogroup --groups mailscope --shell /usr/sbin/nologin "$MEMBER"
port=$((20000 + $$ % 20000))
setpriv --reuid="$MEMBER" --regid=nogroup --init-groups --inh-caps=-all \
    mailscope live -i lo --imap-port "$port" --duration 8s --json > "$work/live.json" 2> "$work/live.err" &
pid=$!
for _ in $(seq 1 100); do grep -q 'listening on lo' "$work/live.err" && break; sleep 0.2; done
grep -q 'through the capture helper /usr/lib/mailscope/mailscope-capture' "$work/live.err" || { cat "$work/live.err" >&2; fail "live did not start through the helper"; }
# Three connection attempts to a port nobody listens on: three refused sessions (bash, for /dev/tcp).
bash -c 'for _ in 1 2 3; do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; done; true' - "$port"
wait "$pid" || { cat "$work/live.err" >&2; fail "mailscope live as a group member exited with $?"; }
pid=
grep -q '"code":"connection-refused"' "$work/live.json" || { cat "$work/live.json" "$work/live.err" >&2; fail "no session captured"; }
grep '"type":"capture"' "$work/live.json" | grep -q '"received":[1-9]' || fail "no libpcap counts from the helper"
echo "  $(grep -c '"type":"session"' "$work/live.json") sessions captured by $MEMBER"
if setpriv --reuid=nobody --regid=nogroup --clear-groups mailscope live -i lo --duration 1s > /dev/null 2> "$work/denied.err"; then
    fail "user nobody (not in group mailscope) could capture"
fi
grep -q 'cannot run the capture helper' "$work/denied.err" || { cat "$work/denied.err" >&2; fail "the refusal does not say why"; }

step "apt-get remove, then purge"
$APT remove mailscope >/dev/null 2>&1 || fail "apt-get remove"
for path in /usr/bin/mailscope /usr/share/mailscope /usr/lib/mailscope /usr/share/man/man1/mailscope.1.gz \
            /usr/share/bash-completion/completions/mailscope /usr/share/zsh/vendor-completions/_mailscope \
            "$JSA" /var/cache/mailscope; do
    [ ! -e "$path" ] || fail "$path is still there after apt-get remove"
done
$APT purge mailscope >/dev/null 2>&1 || fail "apt-get purge"
userdel "$MEMBER"
! getent group mailscope >/dev/null || fail "group mailscope is still there after purge"
[ ! -e /var/cache/mailscope ] || fail "/var/cache/mailscope is still there after purge"

step "passed"
