package io.mailscope.cli;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.tcp.Endpoint;
import io.mailscope.tcp.TcpConnection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/** Which finished sessions the user wants to see (--port, --host, --session, --only-failed, --summary). */
final class SessionFilter implements Predicate<AnalyzedSession> {
    private final Set<Integer> ports;
    private final Set<InetAddress> hosts = new HashSet<>();
    private final Set<Long> ids;
    private final boolean onlyFailed;

    SessionFilter(AnalysisOptions o) {
        this.ports = new HashSet<>(o.ports);
        this.ids = new HashSet<>(o.sessions);
        this.onlyFailed = o.onlyFailed || o.summaryOnly;
        for (String h : o.hosts) {
            try {
                hosts.add(InetAddress.getByName(h.replace("[", "").replace("]", "")));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--host " + h + ": not an IP address");
            }
        }
    }

    /** True when it picks sessions by number (--session): then it must see the run-wide one. */
    boolean byNumber() {
        return !ids.isEmpty();
    }

    @Override
    public boolean test(AnalyzedSession s) {
        TcpConnection c = s.session().connection();
        if (!ids.isEmpty() && !ids.contains(c.id())) {
            return false;
        }
        if (!ports.isEmpty() && !ports.contains(c.client().port()) && !ports.contains(c.server().port())) {
            return false;
        }
        if (!hosts.isEmpty() && !matches(c.client()) && !matches(c.server())) {
            return false;
        }
        return !onlyFailed || s.diagnosis().outcome().failed();
    }

    private boolean matches(Endpoint e) {
        return hosts.contains(e.address());
    }
}
