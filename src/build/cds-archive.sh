#!/bin/sh
# Application class-data sharing (AppCDS) archive for mailscope's launcher: the classes a run of `mailscope analyze`
# loads, parsed and verified once and mapped into every later JVM, which cuts start-up. Training runs: analyze as
# text, as JSON and as --summary with --html on the sample captures, and --help; the archive is made from their class lists
# (JDK 17's static archive: -Xshare:dump).
#   cds-archive.sh JAR ARCHIVE SAMPLES_DIR
# Run at build time for ./mailscope (pom.xml: target/mailscope.jar, target/mailscope.jsa, samples/) and by the
# Debian package's postinst with the installed Java (/usr/lib/mailscope/cds-archive). The archive is only valid
# for this jar at this path and for the Java that made it; the launchers use it only when it is there, and the JVM
# silently ignores it should it not match (-Xshare:auto). A failure here only costs start-up time: exit status 0.
set -u
jar="$1"
jsa="$2"
samples="$3"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rm -f "$jsa"
if [ ! -f "$jar" ]; then
  echo "[mailscope] no $jar: no class-data sharing archive" >&2
  exit 0
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/mailscope-cds.XXXXXX")" || exit 0
trap 'rm -rf "$work"' EXIT
n=0
# "--help" builds every subcommand's model (a run that names one builds only that one: cli/Main.commandLine), so
# their classes are in the archive too.
for args in "analyze" "analyze --json" "analyze --summary --html $work/training.html" "--help"; do
  n=$((n + 1))
  # shellcheck disable=SC2086 # the arguments are meant to split
  "$java" -Xshare:off -XX:DumpLoadedClassList="$work/list.$n" -jar "$jar" $args "$samples"/*.pcap >/dev/null 2>&1
done
# one list, first occurrence kept (order matters for the lambda lines)
cat "$work"/list.* 2>/dev/null | awk '!seen[$0]++' > "$work/classlist"
if "$java" -Xshare:dump -XX:SharedClassListFile="$work/classlist" -XX:SharedArchiveFile="$jsa" -cp "$jar" >"$work/dump.log" 2>&1; then
  echo "[mailscope] class-data sharing archive $jsa ($(wc -l < "$work/classlist") classes)"
else
  rm -f "$jsa"
  echo "[mailscope] could not make the class-data sharing archive $jsa; start-up is slower without it:" >&2
  tail -n 3 "$work/dump.log" >&2
fi
exit 0
