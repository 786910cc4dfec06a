package io.mailscope.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default --max-connections fits the Java heap it runs in. */
class AnalysisOptionsTest {
    @Test
    void defaultMaxConnectionsFollowsASmallHeap() {
        assertEquals(4096, AnalysisOptions.defaultMaxConnections(64L << 20));
        assertEquals(16384, AnalysisOptions.defaultMaxConnections(256L << 20));
    }

    @Test
    void defaultMaxConnectionsIs100000InALargeHeap() {
        assertEquals(100_000, AnalysisOptions.defaultMaxConnections(2L << 30));
        assertEquals(100_000, AnalysisOptions.defaultMaxConnections(Long.MAX_VALUE));
    }

    @Test
    void defaultMaxConnectionsNeverFallsBelowAThousand() {
        assertEquals(1_000, AnalysisOptions.defaultMaxConnections(4L << 20));
    }

    @Test
    void anExplicitMaxConnectionsIsKept() {
        AnalysisOptions o = new AnalysisOptions();
        o.maxConnections = 123;
        assertEquals(123, o.limits().maxConnections());
        assertEquals(AnalysisOptions.defaultMaxConnections(Runtime.getRuntime().maxMemory()), new AnalysisOptions().limits().maxConnections());
    }
}
