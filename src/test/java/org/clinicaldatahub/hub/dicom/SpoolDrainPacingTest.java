package org.clinicaldatahub.hub.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * When the spool drain may go on, on a clock the test moves: each "sleep" of the drain advances
 * it, and a scripted reception can start or end at a given moment. No real time passes.
 */
class SpoolDrainPacingTest {

    private static final Duration QUIET = Duration.ofMillis(500);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private long now = TimeUnit.SECONDS.toNanos(1000);
    private boolean pending = true;
    private final List<Runnable> atNextSleep = new ArrayList<>();
    private long slept;
    private final SpoolDrainPacing pacing = new SpoolDrainPacing(QUIET, MAX_DELAY, () -> pending, () -> now, nanos -> {
        now += nanos;
        slept += nanos;
        if (!atNextSleep.isEmpty()) {
            atNextSleep.remove(0).run();
        }
    });

    @Test
    void withoutReceptionTheDrainGoesOnAtOnce() throws InterruptedException {
        pacing.awaitTurn();

        assertThat(slept).isZero();
    }

    @Test
    void anEmptySpoolNeedsNoWait() throws InterruptedException {
        pending = false;
        pacing.receptionStarted();

        pacing.awaitTurn();

        assertThat(slept).isZero();
    }

    @Test
    void theDrainWaitsForAnInstanceInProgressAndThenTheQuietPeriod() throws InterruptedException {
        pacing.receptionStarted();
        // the instance is answered after the drain's third sleep (0.3 s, in steps of at most 100 ms)
        atNextSleep.add(() -> { });
        atNextSleep.add(() -> { });
        atNextSleep.add(pacing::receptionEnded);
        long endOfReception = now + TimeUnit.MILLISECONDS.toNanos(300);

        pacing.awaitTurn();

        assertThat(now - endOfReception).as("the quiet period after the last answer").isEqualTo(QUIET.toNanos());
    }

    @Test
    void receptionWithoutPausesHoldsTheDrainBackAtMostTheMaximumDelayPerBacklog() throws InterruptedException {
        pacing.receptionStarted(); // never ends
        long start = now;

        pacing.awaitTurn();
        assertThat(now - start).isEqualTo(MAX_DELAY.toNanos());

        long afterFirst = now;
        pacing.awaitTurn();
        assertThat(now).as("same backlog: no second wait").isEqualTo(afterFirst);

        pending = false;
        pacing.awaitTurn(); // the spool was seen empty: the backlog is over
        pending = true;
        long second = now;
        pacing.awaitTurn();
        assertThat(now - second).as("a new backlog may wait again").isEqualTo(MAX_DELAY.toNanos());
    }

    @Test
    void aQuietPeriodOfZeroSwitchesPacingOff() throws InterruptedException {
        SpoolDrainPacing off = new SpoolDrainPacing(Duration.ZERO, MAX_DELAY, () -> true, () -> now, nanos -> {
            throw new AssertionError("no wait expected");
        });
        off.receptionStarted();

        off.awaitTurn();
    }
}
