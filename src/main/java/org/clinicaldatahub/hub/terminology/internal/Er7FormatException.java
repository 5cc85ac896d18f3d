package org.clinicaldatahub.hub.terminology.internal;

/**
 * An HL7 v2 text that cannot be read as ER7. The message names the problem's kind only, never
 * the content (it may hold PHI).
 */
public class Er7FormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public Er7FormatException(String problem) {
        super(problem);
    }
}
