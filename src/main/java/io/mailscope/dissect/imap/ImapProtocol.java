package io.mailscope.dissect.imap;

import io.mailscope.dissect.EventSink;
import io.mailscope.dissect.MailProtocol;
import io.mailscope.dissect.ProtocolAnalyzer;
import io.mailscope.dissect.ProtocolSniffer;

import java.util.Locale;
import java.util.Set;

/** IMAP (RFC 3501/9051) as a module of the registry: untagged or tagged server lines, tagged client commands. */
public final class ImapProtocol implements MailProtocol {
    public static final ImapProtocol INSTANCE = new ImapProtocol();

    private static final Set<String> COMMANDS = Set.of(
            "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN", "ENABLE", "SELECT", "EXAMINE",
            "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "NAMESPACE", "STATUS", "APPEND",
            "IDLE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "UID", "ID",
            "COMPRESS", "GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "GETACL", "SETACL", "MYRIGHTS", "LISTRIGHTS",
            "GETMETADATA", "SETMETADATA", "XLIST", "SORT", "THREAD", "NOTIFY");

    private ImapProtocol() {
    }

    @Override
    public String id() {
        return ProtocolSniffer.IMAP;
    }

    @Override
    public boolean isServerLine(String line, boolean complete) {
        if (line.startsWith("* ") || line.startsWith("+ ")) {
            return true;
        }
        if (!complete) {
            return false;
        }
        int sp = line.indexOf(' ');
        if (sp > 0) {
            String rest = line.substring(sp + 1).toUpperCase(Locale.ROOT);
            return rest.startsWith("OK") || rest.startsWith("NO") || rest.startsWith("BAD");
        }
        return false;
    }

    @Override
    public boolean isClientLine(String line) {
        String command = ImapText.secondWord(line);
        return command != null && COMMANDS.contains(command.toUpperCase(Locale.ROOT));
    }

    @Override
    public ProtocolAnalyzer newAnalyzer(EventSink sink, boolean redactCredentials) {
        return new ImapAnalyzer(sink, redactCredentials);
    }
}
