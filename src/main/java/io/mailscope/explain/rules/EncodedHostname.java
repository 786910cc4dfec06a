package io.mailscope.explain.rules;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Exchange greets with the serving host's name in UTF-16LE, base64-encoded, in brackets:
 * {@code [TQBSADIAUAAy...AA==]} is {@code MR2P264CA0029.FRAP264.PROD.OUTLOOK.COM}. People who see it over telnet
 * think the server answered encrypted; decoding it shows it is a name.
 */
final class EncodedHostname {
    private static final Pattern BRACKETED = Pattern.compile("\\[([A-Za-z0-9+/]{8,}={0,2})\\]");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*");

    private EncodedHostname() {
    }

    static Optional<String> decode(String greeting) {
        if (!holdsBlob(greeting)) {
            return Optional.empty();
        }
        Matcher m = BRACKETED.matcher(greeting);
        while (m.find()) {
            String blob = m.group(1);
            if (blob.length() % 4 != 0) {
                continue;
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(blob);
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (var cs : new java.nio.charset.Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.US_ASCII}) {
                if (cs == StandardCharsets.UTF_16LE && raw.length % 2 != 0) {
                    continue;
                }
                String text = new String(raw, cs);
                if (HOSTNAME.matcher(text).matches() && text.contains(".")) {
                    return Optional.of(text);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@link #BRACKETED} finds a blob: some '[' followed by at least 8 base64 letters, at most two '=' and
     * ']'. Every greeting of every session is asked, and most hold only "[CAPABILITY ...]" or no bracket at all;
     * running the regular expression on each cost more than a microsecond a session (a tenth of all rules on a
     * capture of 200,000 short sessions). This scan answers without a Matcher; the letters after a '[' are read to
     * their end, since the expression cannot match a shorter run (the next character would be a letter, not '=' or
     * ']'), so "[CAPABILITY IMAP4rev1" is a no.
     */
    static boolean holdsBlob(String greeting) {
        int n = greeting.length();
        for (int open = greeting.indexOf('['); open >= 0; open = greeting.indexOf('[', open + 1)) {
            int i = open + 1;
            while (i < n && isBase64Letter(greeting.charAt(i))) {
                i++;
            }
            if (i - open - 1 < 8) {
                continue;
            }
            int padding = 0;
            while (i < n && greeting.charAt(i) == '=' && padding < 2) {
                i++;
                padding++;
            }
            if (i < n && greeting.charAt(i) == ']') {
                return true;
            }
        }
        return false;
    }

    private static boolean isBase64Letter(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
    }
}
