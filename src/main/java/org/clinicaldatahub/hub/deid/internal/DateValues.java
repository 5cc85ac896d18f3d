package org.clinicaldatahub.hub.deid.internal;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * Date, age and ZIP generalization on the text forms of HL7 v2 (DTM {@code YYYY[MM[DD[HHMM[SS]]]][+ZZZZ]})
 * and FHIR ({@code YYYY[-MM[-DD[Thh:mm:ss+zz:zz]]]}), per 45 CFR 164.514(b)(2)(i)(B) and (C) and the
 * HHS 2012 guidance: the year alone may stay; ages over the cap and birth years implying them fold
 * into one category; ZIP3 of restricted areas becomes 000. A value that cannot be read is removed
 * (empty result), never passed through.
 */
public final class DateValues {

    private static final DateTimeFormatter HL7_DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    private DateValues() {
    }

    /** The year of an HL7 or FHIR date, or "" when it has no readable year. */
    public static String year(String value) {
        String v = value.trim();
        if (v.length() >= 4 && isDigits(v, 0, 4)) {
            return v.substring(0, 4);
        }
        return "";
    }

    /** An HL7 DTM moved by {@code days}, keeping its precision; "" when unreadable. */
    public static String shiftHl7(String value, int days) {
        String v = value.trim();
        int digits = 0;
        while (digits < v.length() && Character.isDigit(v.charAt(digits))) {
            digits++;
        }
        try {
            if (digits >= 8) {
                LocalDate day = LocalDate.parse(v.substring(0, 8), HL7_DAY).plusDays(days);
                return day.format(HL7_DAY) + v.substring(8);
            }
            if (digits >= 6) {
                LocalDate day = LocalDate.of(Integer.parseInt(v.substring(0, 4)), Integer.parseInt(v.substring(4, 6)), 15)
                        .plusDays(days);
                return day.format(HL7_DAY).substring(0, 6);
            }
        } catch (RuntimeException e) {
            return "";
        }
        return digits >= 4 ? v.substring(0, 4) : "";
    }

    /** A FHIR date, dateTime or instant moved by {@code days}, keeping its precision; "" when unreadable. */
    public static String shiftFhir(String value, int days) {
        String v = value.trim();
        try {
            if (v.length() >= 10) {
                LocalDate day = LocalDate.parse(v.substring(0, 10)).plusDays(days);
                return day + v.substring(10);
            }
            if (v.length() == 7) {
                LocalDate day = LocalDate.parse(v + "-15").plusDays(days);
                return day.toString().substring(0, 7);
            }
        } catch (RuntimeException e) {
            return "";
        }
        return year(v);
    }

    /**
     * A birth year folded so it implies no age above {@code cap}: with {@code referenceYear} 2026
     * and cap 89, 1930 (age 96) becomes 1936 (age 90, "90 or older").
     */
    public static String capBirthYear(String year, int referenceYear, int cap) {
        if (year.isEmpty()) {
            return year;
        }
        int y = Integer.parseInt(year);
        return referenceYear - y > cap ? Integer.toString(referenceYear - (cap + 1)) : year;
    }

    /** An age in years above the cap becomes cap + 1; a value that is not a number is removed. */
    public static String capAge(String value, int cap) {
        String v = value.trim();
        try {
            double age = Double.parseDouble(v);
            return age > cap ? Integer.toString(cap + 1) : v;
        } catch (NumberFormatException e) {
            return "";
        }
    }

    /** ZIP3 of a US ZIP code, {@code 000} for restricted prefixes and for what is not a ZIP. */
    public static String zip3(String value, Set<String> restricted) {
        String v = value.trim();
        if (v.length() < 3 || !isDigits(v, 0, 3) || (v.length() > 3 && Character.isDigit(v.charAt(3))
                && v.length() < 5)) {
            return "000";
        }
        String prefix = v.substring(0, 3);
        return restricted.contains(prefix) ? "000" : prefix;
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
