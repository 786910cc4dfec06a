package io.mailscope.explain.rules;

import io.mailscope.explain.Diagnosis;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static io.mailscope.explain.rules.Conversation.codes;
import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exchange's base64 host name in the greeting is named for what it is. */
class GreetingRuleTest {

    @Test
    void theBase64BlobIsTheServersHostName() {
        String host = Base64.getEncoder().encodeToString("AM0PR10CA0001.EURPRD10.PROD.OUTLOOK.COM".getBytes(StandardCharsets.UTF_16LE));
        Diagnosis d = Conversation.to(143).greeting("* OK The Microsoft Exchange IMAP4 service is ready. [" + host + "]")
                .client("a1 LOGOUT").server("* BYE bye").server("a1 OK done").serverFin().clientFin().diagnosis();
        assertTrue(finding(d, "greeting-encoded-hostname").explanation().contains("AM0PR10CA0001"));
    }

    @Test
    void anOrdinaryGreetingSaysNothingMore() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready.")
                .client("a1 LOGOUT").server("* BYE bye").server("a1 OK done").serverFin().clientFin().diagnosis();
        assertFalse(codes(d).contains("greeting-encoded-hostname"));
    }
}
