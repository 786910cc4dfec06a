#!/bin/sh
# mailscope, as installed by the Debian package: the jar under /usr/share/mailscope, run by the system's Java.
# MAILSCOPE_JAVA_OPTS passes options to the JVM (e.g. -Xmx2g). Live capture goes through
# /usr/lib/mailscope/mailscope-capture, so this never needs a capture privilege (mailscope(1)).
# The JVM options of ./mailscope for a short command (docs/performance.md "Cold start"), and the class-data sharing
# archive postinst made with the installed Java when it is there (-Xshare:auto: a stale one, after a Java upgrade,
# is silently ignored); MAILSCOPE_JAVA_OPTS comes last and overrides them.
jsa=/var/cache/mailscope/mailscope.jsa
cds=
if [ -r "$jsa" ]; then
    cds="-XX:SharedArchiveFile=$jsa -Xshare:auto"
fi
export MAILSCOPE_LAUNCHER=/usr/bin/mailscope  # bench e2e and bench live start mailscope the way the user does
# shellcheck disable=SC2086 # the options are meant to split
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms24m -Xmn16m $cds ${MAILSCOPE_JAVA_OPTS:-} -jar /usr/share/mailscope/mailscope.jar "$@"
