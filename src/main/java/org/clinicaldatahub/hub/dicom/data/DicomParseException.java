package org.clinicaldatahub.hub.dicom.data;

import java.io.IOException;

/**
 * A data set that does not follow PS3.5: a bad length, a missing delimiter, a truncated value.
 * The message names tags and byte offsets only, never values (they may be PHI).
 */
public class DicomParseException extends IOException {

    public DicomParseException(String message) {
        super(message);
    }
}
