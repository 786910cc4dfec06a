#!/bin/sh
# mailscope, as installed by the Debian package: the jar under /usr/share/mailscope, run by the system's Java.
# MAILSCOPE_JAVA_OPTS passes options to the JVM (e.g. -Xmx2g). Live capture goes through
# /usr/lib/mailscope/mailscope-capture, so this never needs a capture privilege (mailscope(1)).
# The JVM options of ./mailscope for a short command (docs/performance.md "Cold start"); MAILSCOPE_JAVA_OPTS overrides.
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ${MAILSCOPE_JAVA_OPTS:-} -jar /usr/share/mailscope/mailscope.jar "$@"
