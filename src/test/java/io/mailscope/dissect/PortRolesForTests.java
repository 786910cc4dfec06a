package io.mailscope.dissect;

import java.util.Set;

/** The port roles of the recorded captures (private servers on high loopback ports). */
final class PortRolesForTests {
    static final PortRoles ROLES = new PortRoles(Set.of(10143, 11143), Set.of(10993, 11993));

    private PortRolesForTests() {
    }
}
