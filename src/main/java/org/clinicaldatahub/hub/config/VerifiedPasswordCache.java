package org.clinicaldatahub.hub.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The hub's password check: Spring Security's delegating encoder ({@code {bcrypt}...},
 * {@code {noop}...}; a configured password without a prefix is compared as written, as Spring
 * Boot does for {@code spring.security.user.password}), with a short-lived memory of passwords it
 * has already verified. Machine clients (the FHIR endpoint, the APIs) send HTTP basic on every
 * request, and a bcrypt check costs tens of milliseconds of CPU each time: without this, checking
 * the login of a FHIR transaction Bundle cost more CPU than processing its 100 resources.
 *
 * <p>After a successful slow check, an HMAC-SHA256 of the password (key random per process, never
 * the password itself) is kept for the stored hash for {@code ttl}; a later request whose password
 * gives the same HMAC is accepted without the slow check. Anything else (another password, an
 * expired entry, a changed stored hash) goes through the slow check, so a wrong password is never
 * accepted and a changed password takes effect at once.
 */
public final class VerifiedPasswordCache implements PasswordEncoder {

    /** How long a verified password is remembered. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    private static final int MAX_ENTRIES = 1024;

    private final PasswordEncoder delegate;
    private final Duration ttl;
    private final Clock clock;
    private final SecretKeySpec key;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private final ThreadLocal<Mac> macs;

    private record Verified(byte[] mac, long expiresAtMillis) {
    }

    public VerifiedPasswordCache(PasswordEncoder delegate, Duration ttl, Clock clock) {
        this.delegate = delegate;
        this.ttl = ttl;
        this.clock = clock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
    }

    /** Spring Security's delegating encoder, unprefixed stored passwords compared as written, behind the cache. */
    public static VerifiedPasswordCache forHub() {
        DelegatingPasswordEncoder delegating =
                (DelegatingPasswordEncoder) PasswordEncoderFactories.createDelegatingPasswordEncoder();
        delegating.setDefaultPasswordEncoderForMatches(new AsConfigured());
        return new VerifiedPasswordCache(delegating, DEFAULT_TTL, Clock.systemUTC());
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return delegate.encode(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return delegate.matches(rawPassword, encodedPassword);
        }
        byte[] mac = macs.get().doFinal(rawPassword.toString().getBytes(StandardCharsets.UTF_8));
        long now = clock.millis();
        Verified known = verified.get(encodedPassword);
        if (known != null && now < known.expiresAtMillis() && MessageDigest.isEqual(known.mac(), mac)) {
            return true;
        }
        boolean matches = delegate.matches(rawPassword, encodedPassword);
        if (matches) {
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
            verified.put(encodedPassword, new Verified(mac, now + ttl.toMillis()));
        }
        return matches;
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return delegate.upgradeEncoding(encodedPassword);
    }

    /** A stored password without an encoder prefix: compared as written, in constant time. */
    static final class AsConfigured implements PasswordEncoder {

        @Override
        public String encode(CharSequence rawPassword) {
            throw new UnsupportedOperationException("stored passwords are encoded with bcrypt");
        }

        @Override
        public boolean matches(CharSequence rawPassword, String storedPassword) {
            return rawPassword != null && storedPassword != null
                    && MessageDigest.isEqual(rawPassword.toString().getBytes(StandardCharsets.UTF_8),
                            storedPassword.getBytes(StandardCharsets.UTF_8));
        }
    }
}
