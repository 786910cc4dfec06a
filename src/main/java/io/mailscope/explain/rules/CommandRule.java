package io.mailscope.explain.rules;

import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.ImapCode;
import io.mailscope.explain.SessionFacts.Exchange;
import io.mailscope.explain.Severity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the server refused once the session was under way: a mailbox that does not exist (mailbox-not-found), and
 * any other command answered NO or BAD (command-refused). Inside TLS these are only visible with the client's key
 * log, and they are what people chase there ("folder not found", "the server rejects my command"). Logins,
 * STARTTLS and COMPRESS have rules of their own; a command line that is not a command at all (typed noise, TLS
 * bytes on a plaintext port) is left to the rules about those mistakes.
 */
final class CommandRule implements Rule {
    /** Commands that name a mailbox first (or, for COPY/MOVE, last). */
    private static final Set<String> MAILBOX_COMMANDS = Set.of("SELECT", "EXAMINE", "STATUS", "APPEND", "DELETE",
            "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "COPY", "MOVE", "UID", "GETACL", "MYRIGHTS", "GETQUOTAROOT");
    /** Handled by LoginRule, StartTlsRule and ImapHygieneRule. */
    private static final Set<String> ELSEWHERE = Set.of("LOGIN", "AUTHENTICATE", "STARTTLS", "COMPRESS", "");
    /** How servers say a mailbox is not there when they send no [NONEXISTENT] code (dovecot, Cyrus, Exchange, Gmail). */
    private static final Pattern NOT_THERE = Pattern.compile(
            "(doesn'?t|does not|not) exist|no such (mailbox|folder)|unknown (mailbox|folder)|(mailbox|folder) not found",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern COMMAND_NAME = Pattern.compile("[A-Z][A-Z0-9-]*");

    @Override
    public void apply(RuleContext x) {
        List<Exchange> refused = new ArrayList<>();
        for (Exchange ex : x.f.exchanges) {
            String name = ex.command().name();
            if (!ex.refused() || ELSEWHERE.contains(name) || ex.command().tag() == null
                    || !COMMAND_NAME.matcher(name).matches()) {
                continue;
            }
            if (mailboxMissing(ex)) {
                mailboxNotFound(x, ex);
            } else {
                refused.add(ex);
            }
        }
        if (!refused.isEmpty()) {
            commandRefused(x, refused);
        }
    }

    static boolean mailboxMissing(Exchange ex) {
        ImapEvent.Response a = ex.answer();
        if (!"NO".equals(a.status()) || !MAILBOX_COMMANDS.contains(ex.command().name())) {
            return false;
        }
        String code = a.code() == null ? "" : a.code().toUpperCase(Locale.ROOT);
        return code.startsWith("NONEXISTENT") || code.startsWith("TRYCREATE") || NOT_THERE.matcher(a.text()).find();
    }

    private void mailboxNotFound(RuleContext x, Exchange ex) {
        ImapEvent.Command c = ex.command();
        ImapEvent.Response a = ex.answer();
        String mailbox = mailbox(c);
        x.add(ImapCode.MAILBOX_NOT_FOUND, Severity.WARNING,
                "The mailbox " + (mailbox == null ? "" : Evidence.quote(mailbox) + " ") + "does not exist on the server.",
                "The client sent " + Evidence.quote(c.display()) + " (" + x.ev.at(c.at()) + ")"
                        + (ex.beforeTls() ? "" : " inside TLS") + " and the server answered " + Evidence.quote(a.display())
                        + " (" + x.ev.at(a.at()) + "): there is no mailbox by that name"
                        + ("TRYCREATE".equalsIgnoreCase(a.code()) ? " (TRYCREATE: it would have to be created first)" : "")
                        + ". Names are case-sensitive (except INBOX) and the hierarchy separator is the server's own ('/' or '.').",
                "List the mailboxes as the server names them (`a1 LIST \"\" \"*\"`), then use that name, or create the "
                        + "mailbox (`a2 CREATE name`); in a mail client, refresh the folder list or re-subscribe.",
                c.at().frame(), a.at().frame());
    }

    /** The mailbox a command names, or null: the first argument, for COPY/MOVE the last. */
    static String mailbox(ImapEvent.Command c) {
        String[] words = c.display().trim().split(" +");
        String name = c.name();
        if (name.equals("UID") || name.equals("COPY") || name.equals("MOVE")) {
            return words.length >= 3 ? unquote(words[words.length - 1]) : null;
        }
        return words.length >= 3 ? unquote(words[2]) : null;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private void commandRefused(RuleContext x, List<Exchange> refused) {
        Exchange first = refused.get(0);
        ImapEvent.Command c = first.command();
        ImapEvent.Response a = first.answer();
        boolean bad = "BAD".equals(a.status());
        String more = refused.size() > 1 ? " It refused " + (refused.size() - 1) + " more command"
                + (refused.size() > 2 ? "s" : "") + " after it (last: " + Evidence.quote(refused.get(refused.size() - 1).answer().display()) + ")." : "";
        x.add(ImapCode.COMMAND_REFUSED, Severity.WARNING,
                "The server refused " + (refused.size() == 1 ? "a command" : refused.size() + " commands") + ": " + c.name() + ".",
                "The client sent " + Evidence.quote(c.display()) + " (" + x.ev.at(c.at()) + ")"
                        + (first.beforeTls() ? "" : " inside TLS") + " and the server answered " + Evidence.quote(a.display())
                        + " (" + x.ev.at(a.at()) + "). "
                        + (bad ? "BAD means the server did not understand the command or its arguments (unknown to this server, wrong syntax, or not allowed in this state)."
                        : "NO means the server understood the command but would not or could not do it (permissions, quota, state).")
                        + more,
                bad ? "Check the command against the server's CAPABILITY list and RFC 9051 syntax, and the session state (logged in, mailbox selected)."
                        : "Read the server's text (and response code) for the reason; its log has the details.",
                c.at().frame(), a.at().frame());
    }
}
