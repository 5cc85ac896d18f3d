package org.clinicaldatahub.hub.deid.dicom;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Moves DA and DT values by the patient's date shift (PS3.15 E.3.6, Retain Longitudinal Temporal
 * Information with Modified Dates): every date of one patient moves by the same number of days,
 * so intervals between studies survive while the calendar dates do not. Times of day stay (a
 * whole-day shift does not change them). Multiple values and ranges ({@code A-B}) are shifted
 * value by value. A value that is not a full date (a year alone, garbage) cannot be moved safely
 * and is dropped: the caller writes it empty.
 */
final class DateShift {

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    private DateShift() {
    }

    /** A shifted DA value, or null when some part is not a full date. */
    static String shiftDate(String value, int days) {
        return shiftEach(value, days, false);
    }

    /** A shifted DT value (date part moved, time and UTC offset kept), or null when not shiftable. */
    static String shiftDateTime(String value, int days) {
        return shiftEach(value, days, true);
    }

    private static String shiftEach(String value, int days, boolean dateTime) {
        StringBuilder out = new StringBuilder();
        String[] values = value.split("\\\\", -1);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\\');
            }
            String one = values[i].trim();
            int dash = dateTime ? rangeDash(one) : one.indexOf('-');
            if (dash >= 0) {
                String from = one.substring(0, dash);
                String to = one.substring(dash + 1);
                String a = from.isEmpty() ? "" : shiftOne(from, days);
                String b = to.isEmpty() ? "" : shiftOne(to, days);
                if (a == null || b == null) {
                    return null;
                }
                out.append(a).append('-').append(b);
            } else if (!one.isEmpty()) {
                String shifted = shiftOne(one, days);
                if (shifted == null) {
                    return null;
                }
                out.append(shifted);
            }
        }
        return out.toString();
    }

    /** In a DT range the dash separates values; a UTC offset's minus sign follows the time digits. */
    private static int rangeDash(String value) {
        int dash = value.indexOf('-');
        while (dash >= 0) {
            // an offset "-HHMM" is preceded by at least 8 date digits and followed by exactly 4 digits to the end
            boolean offset = dash >= 8 && value.length() - dash - 1 == 4 && value.indexOf('-', dash + 1) < 0
                    && value.substring(dash + 1).chars().allMatch(Character::isDigit);
            if (!offset) {
                return dash;
            }
            dash = value.indexOf('-', dash + 1);
        }
        return -1;
    }

    private static String shiftOne(String value, int days) {
        if (value.length() < 8) {
            return null;
        }
        try {
            LocalDate date = LocalDate.parse(value.substring(0, 8), DA);
            return date.plusDays(days).format(DA) + value.substring(8);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
