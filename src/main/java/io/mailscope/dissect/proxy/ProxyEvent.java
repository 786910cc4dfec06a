package io.mailscope.dissect.proxy;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;

import java.util.List;

/** What a proxy handshake (SOCKS4/4a, SOCKS5, HTTP CONNECT) before the real stream showed. */
public sealed interface ProxyEvent extends Event {
    @Override
    default Family family() {
        return Family.PROXY;
    }

    /**
     * The client asked the proxy to connect it.
     *
     * @param type        socks4, socks4a, socks5 or http-connect
     * @param target      {@code host:port} as the client named it ({@code [v6]:port} for an IPv6 address)
     * @param credentials null when the client sent none; else the user and the password, the password redacted
     *                    unless --show-passwords
     */
    record Request(At at, String type, String target, String credentials) implements ProxyEvent {}

    /**
     * The proxy's answer to the request (or to the method or login sub-negotiation when it refused there).
     *
     * @param ok     true when the proxy connected the client: the stream that follows is the target's
     * @param result "ok", or the refusal in the proxy's own words: the HTTP status line, or the SOCKS reply code
     *               with its name from RFC 1928/1929 or the SOCKS4 protocol
     */
    record Reply(At at, String type, String target, boolean ok, String result) implements ProxyEvent {}

    /**
     * A session's proxy hop as reports show it: the last request and the proxy's last answer (after an HTTP refusal
     * the client may ask again on the same connection).
     */
    record Hop(Request request, Reply reply) {
        /** The hop of these events, or null when the connection began with no proxy handshake. */
        public static Hop of(List<Event> events) {
            Request request = null;
            Reply reply = null;
            for (Event e : events) {
                if (e instanceof Request r) {
                    request = r;
                } else if (e instanceof Reply r) {
                    reply = r;
                }
            }
            return request == null && reply == null ? null : new Hop(request, reply);
        }

        public String type() {
            return request != null ? request.type() : reply.type();
        }

        /** As the client named it; null when the proxy refused before the client named one. */
        public String target() {
            return request != null ? request.target() : null;
        }

        /** "ok", the refusal in the proxy's words, or "no answer". */
        public String result() {
            return reply == null ? "no answer" : reply.result();
        }
    }

    /** One line for reports, e.g. {@code socks5 to mail.example.test:993: ok}; null without a proxy handshake. */
    static String summary(List<Event> events) {
        Hop hop = Hop.of(events);
        if (hop == null) {
            return null;
        }
        return hop.type() + " to " + (hop.target() != null ? hop.target() : "?") + ": " + hop.result();
    }
}
