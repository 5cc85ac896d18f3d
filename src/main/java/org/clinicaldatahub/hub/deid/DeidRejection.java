package org.clinicaldatahub.hub.deid;

/**
 * A record that cannot be de-identified safely; it goes to quarantine, never to the research
 * zone. The message names a reason code and at most a field path: never record content.
 */
public class DeidRejection extends RuntimeException {

    private final String reasonCode;

    public DeidRejection(String reasonCode, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
    }

    public String reasonCode() {
        return reasonCode;
    }
}
