package org.clinicaldatahub.hub.terminology;

/**
 * The five flag digits of a CMS General Equivalence Mapping row (2018 ICD-10-CM GEMs
 * documentation, "GEM file format"): approximate, no map, combination, scenario, choice list.
 * A combination entry needs one code from every choice list of its scenario together.
 */
public record GemFlags(boolean approximate, boolean noMap, boolean combination, int scenario, int choiceList) {

    /** Parses the five-digit flags field, e.g. {@code 10111}. */
    public static GemFlags parse(String digits) {
        if (digits.length() != 5 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("GEM flags must be five digits, was '" + digits + "'");
        }
        return new GemFlags(digits.charAt(0) == '1', digits.charAt(1) == '1', digits.charAt(2) == '1',
                digits.charAt(3) - '0', digits.charAt(4) - '0');
    }

    /** The five digits as the GEM file writes them. */
    public String digits() {
        return (approximate ? "1" : "0") + (noMap ? "1" : "0") + (combination ? "1" : "0") + scenario + choiceList;
    }
}
