package org.clinicaldatahub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** The hub's pools start daemon threads named for what they do (thread dumps, profiles, thread-cpu.py). */
class DaemonThreadsTest {

    @Test
    void numberedThreadsCountUpPerFactoryAndAreDaemons() {
        ThreadFactory uploads = DaemonThreads.numbered("dicom-spool-upload-");
        ThreadFactory others = DaemonThreads.numbered("multipart-7-");

        Thread first = uploads.newThread(() -> { });
        Thread second = uploads.newThread(() -> { });
        Thread other = others.newThread(() -> { });

        assertThat(first.getName()).isEqualTo("dicom-spool-upload-1");
        assertThat(second.getName()).isEqualTo("dicom-spool-upload-2");
        assertThat(other.getName()).isEqualTo("multipart-7-1");
        assertThat(first.isDaemon() && second.isDaemon() && other.isDaemon()).isTrue();
    }

    @Test
    void namedThreadsAllCarryTheNameAndAreDaemons() {
        ThreadFactory syncs = DaemonThreads.named("dicom-spool-sync");

        Thread first = syncs.newThread(() -> { });
        Thread second = syncs.newThread(() -> { });

        assertThat(first.getName()).isEqualTo("dicom-spool-sync");
        assertThat(second.getName()).isEqualTo("dicom-spool-sync");
        assertThat(first.isDaemon() && second.isDaemon()).isTrue();
    }
}
