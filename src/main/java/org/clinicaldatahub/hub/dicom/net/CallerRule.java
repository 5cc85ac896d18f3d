package org.clinicaldatahub.hub.dicom.net;

import java.net.InetAddress;
import java.util.Locale;

/**
 * One entry of the calling AE allow-list: {@code AE}, {@code AE@address} or with {@code *} for any
 * AE; the address is an IP literal or {@code localhost} (any loopback address).
 *
 * @param aeTitle AE title, or {@code *}
 * @param address IP literal, {@code localhost}, or null for any address
 */
public record CallerRule(String aeTitle, String address) {

    public static CallerRule parse(String rule) {
        String trimmed = rule.trim();
        int at = trimmed.lastIndexOf('@');
        if (at < 0) {
            return new CallerRule(trimmed, null);
        }
        return new CallerRule(trimmed.substring(0, at).trim(), trimmed.substring(at + 1).trim());
    }

    public boolean allows(String callingAe, InetAddress remote) {
        if (!"*".equals(aeTitle) && !aeTitle.equals(callingAe)) {
            return false;
        }
        if (address == null || address.isEmpty() || "*".equals(address)) {
            return true;
        }
        if ("localhost".equals(address.toLowerCase(Locale.ROOT))) {
            return remote.isLoopbackAddress();
        }
        try {
            return InetAddress.getByName(address).equals(remote);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
