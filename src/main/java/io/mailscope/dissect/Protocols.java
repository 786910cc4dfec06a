package io.mailscope.dissect;

import io.mailscope.dissect.imap.ImapProtocol;
import io.mailscope.dissect.pop3.Pop3Protocol;
import io.mailscope.dissect.smtp.SmtpProtocol;

import java.util.List;

/**
 * The registry of mail protocols (Suricata's app-layer registration, in one list): the sniffer asks each in this
 * order whether a first line is its own, and the session analyzer asks the one found for its analyzer. Adding a
 * protocol is its package, one line here and its port roles in {@link PortRole}.
 */
public final class Protocols {
    public static final List<MailProtocol> ALL = List.of(
            ImapProtocol.INSTANCE,
            Pop3Protocol.INSTANCE,
            SmtpProtocol.INSTANCE);

    /**
     * {@link #ALL} and their ids as arrays: {@link #byId} is asked several times for every session (the facts, the
     * diagnosis, the analyzer), and walking the list allocated an iterator and called each protocol's id() through
     * C1's itable stub every time.
     */
    private static final MailProtocol[] PROTOCOLS = ALL.toArray(new MailProtocol[0]);
    private static final String[] IDS = new String[PROTOCOLS.length];

    static {
        for (int i = 0; i < PROTOCOLS.length; i++) {
            IDS[i] = PROTOCOLS[i].id();
        }
    }

    private Protocols() {
    }

    /** The protocol with this id, or null (tls, http, text... are not mail protocols). */
    public static MailProtocol byId(String id) {
        for (int i = 0; i < IDS.length; i++) {
            if (IDS[i].equals(id)) {
                return PROTOCOLS[i];
            }
        }
        return null;
    }

    /** True for imap, pop3, smtp. */
    public static boolean isMail(String id) {
        return byId(id) != null;
    }
}
