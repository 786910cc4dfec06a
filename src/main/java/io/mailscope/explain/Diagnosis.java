package io.mailscope.explain;

import java.util.List;

/**
 * What explain concluded about one session.
 *
 * @param firstSpeaker         "client", "server" or "none"
 * @param expectedFirstSpeaker "client", "server" or null when the protocol does not say
 * @param transport            plain, starttls, implicit-tls or unknown
 * @param protocolPath         e.g. "imap -> starttls -> tls1.3"
 * @param protocol             imap, pop3, smtp; tls for TLS on a port of no mail role; other; none when no payload crossed
 * @param outcome              one word for how it ended
 * @param findings             most severe first
 */
public record Diagnosis(String firstSpeaker, String expectedFirstSpeaker, Transport transport, String protocolPath,
                        String protocol, Outcome outcome, List<Finding> findings) {

    public boolean firstSpeakerAsExpected() {
        return expectedFirstSpeaker == null || expectedFirstSpeaker.equals(firstSpeaker);
    }
}
