package io.mailscope.dissect.smtp;

import io.mailscope.dissect.EventSink;
import io.mailscope.dissect.MailProtocol;
import io.mailscope.dissect.ProtocolAnalyzer;
import io.mailscope.dissect.ProtocolSniffer;

import java.util.Locale;

/** SMTP (RFC 5321) as a module of the registry: a 220 greeting from the server; EHLO or HELO from the client. */
public final class SmtpProtocol implements MailProtocol {
    public static final SmtpProtocol INSTANCE = new SmtpProtocol();

    private SmtpProtocol() {
    }

    @Override
    public String id() {
        return ProtocolSniffer.SMTP;
    }

    @Override
    public boolean isServerLine(String line, boolean complete) {
        if (line.startsWith("220 ") || line.startsWith("220-")) {
            return true;
        }
        // a greeting that refuses the session (RFC 5321 3.1: 554; 421 when the service is going down)
        return complete && (line.startsWith("554 ") || line.startsWith("554-") || line.startsWith("421 "));
    }

    @Override
    public boolean isClientLine(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        return upper.startsWith("EHLO ") || upper.startsWith("HELO ");
    }

    @Override
    public ProtocolAnalyzer newAnalyzer(EventSink sink, boolean redactCredentials) {
        return new SmtpAnalyzer(sink, redactCredentials);
    }
}
