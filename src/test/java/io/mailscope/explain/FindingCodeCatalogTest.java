package io.mailscope.explain;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finding codes are a contract: each is unique, documented in docs/findings.md and named in the README. */
class FindingCodeCatalogTest {

    static List<FindingCode> all() {
        List<FindingCode> all = new ArrayList<>(List.of(CommonCode.values()));
        all.addAll(List.of(ImapCode.values()));
        all.addAll(List.of(Pop3Code.values()));
        all.addAll(List.of(SmtpCode.values()));
        return all;
    }

    @Test
    void everyCodeIsUniqueAndFoundByItsLabel() {
        Set<String> seen = new HashSet<>();
        for (FindingCode c : all()) {
            assertTrue(seen.add(c.label()), "twice: " + c.label());
            assertEquals(c, FindingCode.of(c.label()));
        }
    }

    @Test
    void everyCodeHasItsSectionInTheFindingsDoc() throws IOException {
        String doc = Files.readString(Path.of("docs/findings.md"));
        for (FindingCode c : all()) {
            boolean own = doc.contains("### `" + c.label() + "`");
            // smtp-on-imap-port and its siblings share the http-on-imap-port section
            boolean shared = doc.contains("`" + c.label() + "`");
            assertTrue(own || shared, "docs/findings.md lacks " + c.label());
        }
    }

    @Test
    void everyCodeIsNamedInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (FindingCode c : all()) {
            assertTrue(readme.contains("`" + c.label() + "`") || readme.contains("on-imap-port"), "README.md lacks " + c.label());
        }
    }

    @Test
    void lastResortCodesRankBelowTheRulesThatOtherwiseExplainTheEnd() {
        assertNotNull(FindingCode.of("server-hangup"));
        assertTrue(ImapCode.SERVER_HANGUP.lastResort() && CommonCode.NO_DATA.lastResort());
        assertTrue(ImapCode.SERVER_HANGUP.priority() < ImapCode.SERVER_BYE.priority());
        assertTrue(CommonCode.IDLE_TIMEOUT.priority() > ImapCode.SERVER_BYE.priority(), "idle-timeout leads server-bye");
    }
}
