package io.mailscope.cli.connect;

import java.util.List;

/**
 * The closing word on a connect run.
 *
 * @param address    the IP address connected to (or tried last), null when the name did not resolve
 * @param mode       tls, starttls or plain: what the connection ended up as
 * @param commands   commands sent
 * @param ok         answered OK
 * @param refused    answered NO or BAD, or not sent because mailscope stopped them
 * @param unanswered sent and never answered
 * @param outcome    the diagnosis' one word (ok, refused, dropped...), or "no-connection"
 * @param findings   the codes told, in order
 * @param exitCode   0, 1 or 2 (docs/connect.md)
 */
record ConnectSummary(String host, String address, int port, String mode, String tlsVersion, String cipher,
                      int commands, int ok, int refused, int unanswered, String outcome, List<String> findings,
                      int exitCode, double seconds) {
}
