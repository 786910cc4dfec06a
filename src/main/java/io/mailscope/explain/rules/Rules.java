package io.mailscope.explain.rules;

import io.mailscope.explain.Finding;
import io.mailscope.explain.SessionFacts;

import java.util.List;

/**
 * Every rule, in the order their findings are listed when they tie. The order decides nothing else: which
 * finding sets the outcome is the resolver's call, from each code's priority.
 */
public final class Rules {
    private static final List<Rule> ALL = List.of(
            new ConnectionRule(),
            new ProxyRule(),
            new TlsHandshakeRule(),
            new PortRoleRule(),
            new StartTlsRule(),
            new LoginRule(),
            new TurnLoginRule(),
            new SmtpTransactionRule(),
            new WaitRule(),
            new ImapHygieneRule(),
            new CommandRule(),
            new EndingRule(),
            new CertificateRule(),
            new GreetingRule(),
            new CaptureQualityRule());

    private Rules() {
    }

    /**
     * The findings the facts prove. {@code open}: the session is still going (live), judged as of {@code now}
     * (epoch nanoseconds), a wait counting once it passes {@code stallNanos}.
     */
    /**
     * The one finding the rules give a connection that only ever sent SYNs and had no answer (no-answer), for
     * {@link io.mailscope.explain.Diagnoser#diagnoseUnanswered}: the same words, from the same place.
     */
    public static Finding unansweredSyn(io.mailscope.tcp.TcpConnection c) {
        return ConnectionRule.noAnswer(c);
    }

    public static List<Finding> apply(SessionFacts facts, boolean open, long now, long stallNanos) {
        RuleContext ctx = new RuleContext(facts, open, now, stallNanos);
        for (Rule r : ALL) {
            r.apply(ctx);
        }
        return ctx.findings();
    }
}
