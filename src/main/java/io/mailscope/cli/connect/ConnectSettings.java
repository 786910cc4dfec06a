package io.mailscope.cli.connect;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a connect run was asked to do, checked (the command turns options into this).
 *
 * @param host          as given: a name, an IPv4 or an IPv6 literal (brackets removed)
 * @param sni           the name to ask for in the ClientHello and to check the certificate against; null: the host
 *                      when it is a name
 * @param tlsVersion    "TLSv1.2" or "TLSv1.3" to offer only that one; null for both
 * @param ciphers       IANA names to offer only those; empty for the JDK's defaults
 * @param commands      --command lines; empty to read standard input (a terminal: interactive)
 * @param keylog        where to append the TLS secrets (--write-keylog or SSLKEYLOGFILE), or null
 * @param autoWindowNanos how long --auto waits for a greeting on an unusual port before it takes silence for TLS
 */
record ConnectSettings(String host, int port, Mode mode, String sni, Path cafile, boolean insecure, String tlsVersion,
                       List<String> ciphers, long timeoutNanos, long stallNanos, boolean allowPlaintextLogin,
                       boolean showPasswords, List<String> commands, Path keylog, long autoWindowNanos) {
}
