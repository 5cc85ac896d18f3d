package org.clinicaldatahub.hub.audit;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process for the kill -9 test: records events as fast as it can until it is killed,
 * after printing {@code READY} once a first batch is durable.
 */
public final class AuditCrashChild {

    private AuditCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path auditDir = Path.of(args[0]);
        AuditLog log = AuditLog.builder(auditDir, AuditTestSupport.NODE, AuditSigningKeys.developmentKey(auditDir))
                .checkpointEvery(500, Duration.ofMillis(200))
                .batchMaxDelay(Duration.ofMillis(2))
                .open();
        for (int i = 1; i <= 2000; i++) {
            log.append(AuditTestSupport.received(i));
        }
        log.appendDurably(AuditTestSupport.received(0));
        System.out.println("READY");
        System.out.flush();
        for (int i = 2001; ; i++) {
            log.append(AuditTestSupport.received(i));
            if (i % 50 == 0) {
                log.appendDurably(AuditTestSupport.received(i));
            }
        }
    }
}
