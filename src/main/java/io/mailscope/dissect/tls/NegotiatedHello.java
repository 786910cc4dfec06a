package io.mailscope.dissect.tls;

import java.util.List;

/**
 * Which of a session's ServerHellos says what was negotiated. After a HelloRetryRequest (which is a ServerHello
 * in form) the real ServerHello follows, and it alone carries the chosen parameters. One rule, so the text, JSON
 * and HTML reports and the diagnosis never disagree.
 */
public final class NegotiatedHello {
    private NegotiatedHello() {
    }

    /** The first ServerHello that is not a HelloRetryRequest; else the first one; null when there is none. */
    public static TlsEvent.ServerHelloSeen of(List<TlsEvent.ServerHelloSeen> hellos) {
        for (TlsEvent.ServerHelloSeen h : hellos) {
            if (!h.hello().helloRetryRequest()) {
                return h;
            }
        }
        return hellos.isEmpty() ? null : hellos.get(0);
    }
}
