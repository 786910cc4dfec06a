package io.mailscope.explain.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/** Exchange's base64 host name in a greeting, and the quick test that spares other greetings the regex. */
class EncodedHostnameTest {
    @Test
    void decodesExchangesUtf16HostNameAndIgnoresCapabilityBrackets() {
        String blob = Base64.getEncoder().encodeToString("MR2P264CA0029.FRAP264.PROD.OUTLOOK.COM".getBytes(StandardCharsets.UTF_16LE));
        assertEquals(Optional.of("MR2P264CA0029.FRAP264.PROD.OUTLOOK.COM"),
                EncodedHostname.decode("* OK The Microsoft Exchange IMAP4 service is ready. [" + blob + "]"));
        assertEquals(Optional.empty(), EncodedHostname.decode("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready."));
        assertEquals(Optional.empty(), EncodedHostname.decode("* OK no brackets at all"));
        assertEquals(false, EncodedHostname.holdsBlob("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready."));
        assertEquals(true, EncodedHostname.holdsBlob("* OK [[CAPABILITY [ABCDEFGH==]"));
        assertEquals(false, EncodedHostname.holdsBlob("* OK [ABCDEFGH===]"));
    }

    @Test
    void theQuickTestSaysWhatTheRegexWouldFind() {
        Pattern bracketed = Pattern.compile("\\[([A-Za-z0-9+/]{8,}={0,2})\\]");
        String alphabet = "[]=+/ AZaz09.-x\u00e9";
        SplittableRandom rnd = new SplittableRandom(5);
        int found = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder g = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int j = 0; j < len; j++) {
                g.append(rnd.nextInt(3) == 0 ? 'A' : alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            String greeting = g.toString();
            boolean blob = bracketed.matcher(greeting).find();
            found += blob ? 1 : 0;
            assertEquals(blob, EncodedHostname.holdsBlob(greeting), greeting);
        }
        assertTrue(found > 100, "the random greetings held " + found + " blobs");
    }
}
