package io.mailscope.dissect.pop3;

import io.mailscope.dissect.EventSink;
import io.mailscope.dissect.MailProtocol;
import io.mailscope.dissect.ProtocolAnalyzer;
import io.mailscope.dissect.ProtocolSniffer;

import java.util.Locale;

/** POP3 (RFC 1939) as a module of the registry: "+OK"/"-ERR" from the server; USER, CAPA or STLS from the client. */
public final class Pop3Protocol implements MailProtocol {
    public static final Pop3Protocol INSTANCE = new Pop3Protocol();

    private Pop3Protocol() {
    }

    @Override
    public String id() {
        return ProtocolSniffer.POP3;
    }

    @Override
    public boolean isServerLine(String line, boolean complete) {
        return line.startsWith("+OK") || line.startsWith("-ERR");
    }

    @Override
    public boolean isClientLine(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        return upper.startsWith("USER ") || upper.equals("CAPA") || upper.equals("STLS");
    }

    @Override
    public ProtocolAnalyzer newAnalyzer(EventSink sink, boolean redactCredentials) {
        return new Pop3Analyzer(sink, redactCredentials);
    }
}
