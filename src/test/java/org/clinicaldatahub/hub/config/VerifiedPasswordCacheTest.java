package org.clinicaldatahub.hub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

class VerifiedPasswordCacheTest {

    /** bcrypt at the lowest cost, counting the slow checks. */
    static final class Counting implements PasswordEncoder {
        final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public String encode(CharSequence raw) {
            return bcrypt.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            checks.incrementAndGet();
            return bcrypt.matches(raw, encoded);
        }
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-12-05T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aVerifiedPasswordIsNotCheckedSlowlyAgainUntilItExpires() {
        Counting slow = new Counting();
        MutableClock clock = new MutableClock();
        VerifiedPasswordCache cache = new VerifiedPasswordCache(slow, Duration.ofMinutes(5), clock);
        String stored = slow.encode("s3cret-pass");

        assertThat(cache.matches("s3cret-pass", stored)).isTrue();
        assertThat(cache.matches("s3cret-pass", stored)).isTrue();
        assertThat(cache.matches("s3cret-pass", stored)).isTrue();
        assertThat(slow.checks).hasValue(1);

        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertThat(cache.matches("s3cret-pass", stored)).isTrue();
        assertThat(slow.checks).as("expired: checked again").hasValue(2);
    }

    @Test
    void aWrongPasswordIsRefusedEvenRightAfterTheRightOne() {
        Counting slow = new Counting();
        VerifiedPasswordCache cache = new VerifiedPasswordCache(slow, Duration.ofMinutes(5), new MutableClock());
        String stored = slow.encode("s3cret-pass");

        assertThat(cache.matches("s3cret-pass", stored)).isTrue();
        assertThat(cache.matches("s3cret-pasS", stored)).isFalse();
        assertThat(cache.matches("", stored)).isFalse();
        assertThat(slow.checks).as("every other password goes through bcrypt").hasValue(3);
        assertThat(cache.matches("s3cret-pass", stored)).isTrue();
        assertThat(slow.checks).hasValue(3);
    }

    @Test
    void aChangedStoredPasswordIsCheckedAfresh() {
        Counting slow = new Counting();
        VerifiedPasswordCache cache = new VerifiedPasswordCache(slow, Duration.ofMinutes(5), new MutableClock());
        String old = slow.encode("old-pass");
        assertThat(cache.matches("old-pass", old)).isTrue();
        String changed = slow.encode("new-pass");
        assertThat(cache.matches("old-pass", changed)).isFalse();
        assertThat(cache.matches("new-pass", changed)).isTrue();
    }

    @Test
    void theHubEncoderReadsPrefixedAndPlainConfiguredPasswords() {
        VerifiedPasswordCache hub = VerifiedPasswordCache.forHub();
        assertThat(hub.matches("test-password", "test-password")).isTrue();
        assertThat(hub.matches("test-passwore", "test-password")).isFalse();
        assertThat(hub.matches("test-password", "{noop}test-password")).isTrue();
        String bcrypt = hub.encode("test-password");
        assertThat(bcrypt).startsWith("{bcrypt}");
        assertThat(hub.matches("test-password", bcrypt)).isTrue();
        assertThat(hub.matches("wrong", bcrypt)).isFalse();
        assertThat(hub.upgradeEncoding("{noop}test-password")).isTrue();
        assertThat(hub.upgradeEncoding(bcrypt)).isFalse();
    }
}
