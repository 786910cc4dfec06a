package io.mailscope.explain.rules;

import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;

/**
 * The SOCKS or HTTP CONNECT proxy the connection began with refused to connect the client: said in the proxy's own
 * words (the SOCKS reply code and its name, or the HTTP status line).
 */
final class ProxyRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        ProxyEvent.Reply r = x.f.proxyReply;
        if (r == null || r.ok()) {
            return;
        }
        ProxyEvent.Request request = x.f.proxyRequest;
        String target = r.target() != null ? r.target() : "its target";
        x.add(CommonCode.PROXY_REFUSED, Severity.ERROR,
                "The " + r.type() + " proxy refused to connect the client to " + target + ".",
                "The client asked the proxy at " + x.c.server() + " for " + target
                        + (request != null ? " (" + x.ev.at(request.at()) + ")" : "") + "; the proxy answered \""
                        + r.result() + "\" (" + x.ev.at(r.at()) + "), so no IMAP or TLS byte reached the mail server.",
                fix(r), request != null ? request.at().frame() : 0, r.at().frame()).implies(Outcome.REFUSED);
    }

    private static String fix(ProxyEvent.Reply r) {
        String words = r.result();
        if (words.contains(" 407") || words.contains("login status") || words.contains("method 0xFF")) {
            return "Give the client the proxy's user name and password (or the authentication method the proxy wants).";
        }
        if (words.contains(" 403") || words.contains("ruleset")) {
            return "The proxy's rules forbid this target: allow the mail server's host and port in its configuration"
                    + " (tinyproxy ConnectPort, squid SSL_ports/CONNECT ACLs, dante socks pass rules).";
        }
        return "Check the target host and port the client gives the proxy, and that the proxy can reach the mail"
                + " server (try it from the proxy host).";
    }
}
