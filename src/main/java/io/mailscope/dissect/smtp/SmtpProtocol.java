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
        return line.startsWith("220 ") || line.startsWith("220-");
    }

    @Override
    public boolean isClientLine(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        return upper.startsWith("EHLO ") || upper.startsWith("HELO ");
    }

    /** Not dissected yet: SMTP is recognised (and judged against port roles) but its conversation is not parsed. */
    @Override
    public ProtocolAnalyzer newAnalyzer(EventSink sink, boolean redactCredentials) {
        return null;
    }
}
