package io.mailscope.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When idle connections are looked for: the first segment, then each second capture time moves, either way. */
class IdleClockTest {
    private static final long S = 1_000_000_000L;
    private static final long T = 1_795_658_765L * S;

    @Test
    void looksAtTheFirstSegmentThenWheneverCaptureTimeMovedASecondFromTheLastLook() {
        IdleClock clock = new IdleClock();
        assertTrue(clock.due(T));
        assertFalse(clock.due(T + S - 1));
        assertTrue(clock.due(T + S));
        assertFalse(clock.due(T + S + S / 2));
    }

    @Test
    void looksWhenTimeWentBackASecondOrMoreButNotAtAStepBackOfInterleavedInterfaces() {
        IdleClock clock = new IdleClock();
        assertTrue(clock.due(T));
        assertFalse(clock.due(T - 50_000_000L), "50 ms back: nothing became idle since the last look");
        assertTrue(clock.due(T - 7 * 24 * 3600 * S), "a week back: the earlier file's own idle connections");
        assertTrue(clock.due(T), "and forward again");
    }

    @Test
    void afterARestartTheNextSegmentIsLookedAtAsAFirst() {
        IdleClock clock = new IdleClock();
        assertTrue(clock.due(T));
        clock.restart();
        assertTrue(clock.due(T + 1));
    }
}
