package io.mailscope.cli.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The commands sent and what the server made of them: which tags still wait for their tagged answer (and since
 * when), how many were answered OK or refused, the greeting, continuations ("+"), a BYE nobody asked for, the
 * answer to STARTTLS. Not thread-safe: the session holds its lock around every call.
 */
final class CommandLedger {
    /** What a server line meant, for the session to act on. */
    enum Meaning { CONTINUATION, GREETING, UNTAGGED, ANSWER, OTHER }

    private final Map<String, String> pending = new LinkedHashMap<>();
    private final Map<String, Long> since = new HashMap<>();
    private final Set<String> silenceTold = new HashSet<>();
    private int commands;
    private int ok;
    private int refused;
    private boolean greeted;
    private boolean unexpectedBye;
    private boolean logoutSent;
    private boolean continuation;
    private String startTlsTag;
    private String startTlsStatus;

    /** A tagged command went out. */
    void sent(String tag, String name) {
        pending.put(tag, name);
        since.put(tag, System.nanoTime());
        commands++;
        if ("LOGOUT".equals(name)) {
            logoutSent = true;
        }
        if ("STARTTLS".equals(name)) {
            startTlsTag = tag;
            startTlsStatus = null;
        }
        continuation = false;
    }

    /** A command mailscope did not send (a LOGIN it stopped) counts as refused. */
    void stopped() {
        refused++;
    }

    /** Reads one server line. */
    Meaning read(String text) {
        String[] w = text.split(" ", 3);
        String first = w[0];
        String status = w.length > 1 ? w[1].toUpperCase(Locale.ROOT) : "";
        if (first.equals("+")) {
            continuation = true;
            return Meaning.CONTINUATION;
        }
        if (first.equals("*")) {
            boolean greeting = !greeted;
            greeted = true;
            if (status.equals("BYE") && (greeting || !logoutSent)) {
                unexpectedBye = true;
            }
            return greeting ? Meaning.GREETING : Meaning.UNTAGGED;
        }
        String name = pending.remove(first);
        if (name == null) {
            return Meaning.OTHER;
        }
        since.remove(first);
        if (status.equals("OK")) {
            ok++;
        } else {
            refused++;
        }
        if (first.equals(startTlsTag)) {
            startTlsStatus = status;
            startTlsTag = null;
        }
        return Meaning.ANSWER;
    }

    boolean waitingFor(String tag) {
        return pending.containsKey(tag);
    }

    boolean anyPending() {
        return !pending.isEmpty();
    }

    /**
     * "AUTHENTICATE" or "IDLE" when such a command in progress got its "+": the next line answers the server and
     * has no tag (a SASL response, DONE); else null.
     */
    String continuationFor() {
        if (!continuation) {
            return null;
        }
        return pending.containsValue("AUTHENTICATE") ? "AUTHENTICATE" : pending.containsValue("IDLE") ? "IDLE" : null;
    }

    /** Takes the continuation: true when one came since the last command. */
    boolean takeContinuation() {
        boolean c = continuation;
        continuation = false;
        return c;
    }

    boolean continuation() {
        return continuation;
    }

    /** "tag NAME" of commands unanswered for {@code nanos}, each once. */
    List<String> silentFor(long nanos) {
        List<String> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Map.Entry<String, Long> e : since.entrySet()) {
            if (now - e.getValue() >= nanos && silenceTold.add(e.getKey())) {
                out.add(e.getKey() + " " + pending.get(e.getKey()));
            }
        }
        return out;
    }

    /** The status the server gave the last STARTTLS (OK, NO, BAD), or null while unanswered. */
    String startTlsStatus() {
        return startTlsStatus;
    }

    boolean greeted() {
        return greeted;
    }

    boolean unexpectedBye() {
        return unexpectedBye;
    }

    boolean logoutSent() {
        return logoutSent;
    }

    int commands() {
        return commands;
    }

    int ok() {
        return ok;
    }

    int refused() {
        return refused;
    }

    int unanswered() {
        return pending.size();
    }
}
