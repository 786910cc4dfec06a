package io.mailscope.explain.rules;

/**
 * One topic of diagnosis (the TLS handshake, STARTTLS, logins...): reads the session's facts and adds the
 * findings they prove, each with the outcome it implies. A rule never reads another rule's findings and never
 * decides the session's outcome: {@link io.mailscope.explain.OutcomeResolver} does, from the findings' priorities.
 */
public interface Rule {
    void apply(RuleContext ctx);
}
