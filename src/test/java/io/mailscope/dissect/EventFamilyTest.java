package io.mailscope.dissect;

import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.pop3.Pop3Event;
import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.dissect.smtp.SmtpEvent;
import io.mailscope.dissect.tls.TlsEvent;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event.family() is what the loops over every event switch on instead of testing the protocols' interfaces: each
 * sealed family of events declares it once, and no record says otherwise.
 */
class EventFamilyTest {
    private static final Map<Class<?>, Event.Family> FAMILIES = Map.of(
            SessionEvent.class, Event.Family.SESSION,
            ImapEvent.class, Event.Family.IMAP,
            Pop3Event.class, Event.Family.POP3,
            SmtpEvent.class, Event.Family.SMTP,
            TlsEvent.class, Event.Family.TLS,
            ProxyEvent.class, Event.Family.PROXY);

    @Test
    void everyEventRecordHasItsSealedInterfacesFamily() throws Exception {
        assertEquals(Set.of(Event.Family.values()), Set.copyOf(FAMILIES.values()), "one sealed interface per family");
        for (var family : FAMILIES.entrySet()) {
            Class<?> sealed = family.getKey();
            assertTrue(sealed.isSealed(), sealed + " is sealed");
            for (Class<?> record : sealed.getPermittedSubclasses()) {
                assertEquals(sealed, record.getMethod("family").getDeclaringClass(), record + " takes its family from " + sealed);
                Event.Family declared = (Event.Family) sealed.getMethod("family").invoke(anyEvent(record));
                assertEquals(family.getValue(), declared, record.getName());
            }
        }
    }

    /**
     * SessionFacts reads IMAP's events by their record classes and the other mail protocols' through MailEvent's
     * roles: these are the IMAP records that play such a role, each of which it reads itself (a new one must be added
     * there too, then here).
     */
    @Test
    void imapRecordsInMailEventRolesAreTheOnesTheFactsReadByClass() {
        Set<String> inRoles = Arrays.stream(ImapEvent.class.getPermittedSubclasses())
                .filter(r -> Arrays.stream(r.getInterfaces()).anyMatch(i -> i.getEnclosingClass() == MailEvent.class))
                .map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("Capabilities", "Command", "Response", "StartTlsAccepted", "StartTlsRefused")), inRoles);
    }

    @Test
    void onlyMailProtocolsPlayMailEventRoles() {
        for (var family : FAMILIES.entrySet()) {
            if (family.getValue() == Event.Family.IMAP || family.getValue().orderedMail()) {
                continue;
            }
            for (Class<?> record : family.getKey().getPermittedSubclasses()) {
                assertTrue(Arrays.stream(record.getInterfaces()).noneMatch(i -> i.getEnclosingClass() == MailEvent.class),
                        record + " plays no MailEvent role");
            }
        }
    }

    /** MailEvent.reply and command find the same events as instanceof Reply and Command, in every family. */
    @Test
    void mailRolesByFamilyAreTheInterfaces() throws Exception {
        for (Class<?> sealed : FAMILIES.keySet()) {
            for (Class<?> record : sealed.getPermittedSubclasses()) {
                Event e = (Event) anyEvent(record);
                assertEquals(e instanceof MailEvent.Reply ? e : null, MailEvent.reply(e), record.getName());
                assertEquals(e instanceof MailEvent.Command ? e : null, MailEvent.command(e), record.getName());
            }
        }
    }

    /** An instance with zeros and nulls for components: only its family is asked. */
    private static Object anyEvent(Class<?> record) throws Exception {
        var components = record.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(c -> c.getType()).toArray(Class<?>[]::new);
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == boolean.class) {
                args[i] = false;
            } else if (t == int.class) {
                args[i] = 0;
            } else if (t == long.class) {
                args[i] = 0L;
            }
        }
        var ctor = record.getDeclaredConstructor(types);
        ctor.setAccessible(true);
        return ctor.newInstance(args);
    }
}
