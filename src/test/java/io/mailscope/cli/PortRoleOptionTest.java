package io.mailscope.cli;

import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.PortRoles;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --port-role ROLE=PORTS gives ports a (protocol, security) role; --imap-port and --imaps-port stay its aliases. */
class PortRoleOptionTest {

    private static PortRoles roles(String... args) {
        AnalysisOptions o = new AnalysisOptions();
        new CommandLine(new Object() {
            @CommandLine.Mixin
            AnalysisOptions options = o;
        }).parseArgs(args);
        o.validate();
        return o.roles();
    }

    @Test
    void theDefaultPortsHaveTheirIanaRoles() {
        PortRoles r = roles();
        assertEquals(PortRole.IMAP, r.role(143));
        assertEquals(PortRole.IMAPS, r.role(993));
        assertEquals(PortRole.POP3, r.role(110));
        assertEquals(PortRole.POP3S, r.role(995));
        assertEquals(PortRole.SMTP, r.role(25));
        assertEquals(PortRole.SUBMISSION, r.role(587));
        assertEquals(PortRole.SUBMISSIONS, r.role(465));
        assertEquals(PortRole.OTHER, r.role(8080));
    }

    @Test
    void portRoleGivesEveryListedPortTheRole() {
        PortRoles r = roles("--port-role", "pop3s=9995,10995", "--port-role", "submission=10587");
        assertEquals(PortRole.POP3S, r.role(9995));
        assertEquals(PortRole.POP3S, r.role(10995));
        assertEquals(PortRole.SUBMISSION, r.role(10587));
        assertTrue(r.isMailPort(10995));
        assertEquals(Set.of(995, 9995, 10995), r.ports(PortRole.POP3S));
    }

    @Test
    void theImapOptionsAreAliasesOfPortRole() {
        PortRoles alias = roles("--imap-port", "10143", "--imaps-port", "10993,11993");
        PortRoles role = roles("--port-role", "imap=10143", "--port-role", "imaps=10993,11993");
        for (int p : List.of(10143, 10993, 11993, 143, 993)) {
            assertEquals(role.role(p), alias.role(p), "port " + p);
        }
        assertEquals(PortRole.IMAPS, alias.role(11993));
    }

    @Test
    void rolesAreNamedInAnyCase() {
        assertEquals(PortRole.SUBMISSIONS, roles("--port-role", "SUBMISSIONS=10465").role(10465));
    }

    @Test
    void aBadRoleOrPortIsAOneLineUsageError() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> roles("--port-role", "pop4=110"));
        assertEquals("--port-role: unknown role 'pop4'; it is one of imap, imaps, pop3, pop3s, smtp, submission, submissions",
                unknown.getMessage());
        var noEquals = assertThrows(IllegalArgumentException.class, () -> roles("--port-role", "pop3s"));
        assertEquals("--port-role takes ROLE=PORTS (e.g. pop3s=9995,10995), not 'pop3s'", noEquals.getMessage());
        var notANumber = assertThrows(IllegalArgumentException.class, () -> roles("--port-role", "smtp=25,x"));
        assertEquals("--port-role smtp=25,x: 'x' is not a port number", notANumber.getMessage());
        var outOfRange = assertThrows(IllegalArgumentException.class, () -> roles("--port-role", "smtp=70000"));
        assertEquals("a port is a number from 1 to 65535, not 70000", outOfRange.getMessage());
    }
}
