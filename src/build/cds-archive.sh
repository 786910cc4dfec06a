#!/bin/sh
# Application class-data sharing (AppCDS) archive for ./mailscope: the classes a run of `mailscope analyze` loads,
# parsed and verified once at build time and mapped into every later JVM, which cuts start-up. Training runs:
# analyze as text, as JSON and as --summary with --html on the sample captures; the archive is made from their
# class lists (JDK 17's static archive: -Xshare:dump). Usage: cds-archive.sh TARGET_DIR PROJECT_DIR.
# The archive is only valid for this jar at this path; the launcher uses it only when it is newer than the jar,
# and the JVM silently ignores it should it not match (-Xshare:auto). A failure here only costs start-up time.
set -u
target="$1"
project="$2"
jar="$target/mailscope.jar"
jsa="$target/mailscope.jsa"
list="$target/mailscope.classlist"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rm -f "$jsa" "$list" "$list".*
if [ ! -f "$jar" ]; then
  echo "[mailscope] no $jar: no class-data sharing archive" >&2
  exit 0
fi
n=0
for args in "analyze" "analyze --json" "analyze --summary --html $target/cds-training.html"; do
  n=$((n + 1))
  # shellcheck disable=SC2086 # the arguments are meant to split
  "$java" -Xshare:off -XX:DumpLoadedClassList="$list.$n" -jar "$jar" $args "$project"/samples/*.pcap >/dev/null 2>&1
done
rm -f "$target/cds-training.html"
# one list, first occurrence kept (order matters for the lambda lines)
cat "$list".* 2>/dev/null | awk '!seen[$0]++' > "$list"
rm -f "$list".*
if "$java" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$jsa" -cp "$jar" >"$target/cds-dump.log" 2>&1; then
  echo "[mailscope] class-data sharing archive $jsa ($(wc -l < "$list") classes)"
else
  rm -f "$jsa"
  echo "[mailscope] could not make the class-data sharing archive (see $target/cds-dump.log); start-up is slower without it" >&2
fi
exit 0
