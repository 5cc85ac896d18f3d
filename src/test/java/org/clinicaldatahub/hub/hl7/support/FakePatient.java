package org.clinicaldatahub.hub.hl7.support;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An invented patient. Every value is synthetic: names are combined at random from invented
 * lists, MRNs and account numbers come from number ranges reserved here for test data, phone
 * numbers use the 555-0100..0199 block set aside for fiction, SSNs use area numbers 900-999
 * (never issued), e-mail addresses use the reserved {@code example.org} domain.
 *
 * <p>Names may hold non-ASCII letters ("Müller", "Zoë", "Dvořák"); {@link #family(Charset)} and
 * {@link #given(Charset)} fold them to ASCII when the message charset cannot carry them, the way
 * a real ASCII-only sender would.
 */
public record FakePatient(
        String mrn,
        String account,
        String visitNumber,
        String family,
        String given,
        String birthDate,
        String sex,
        String street,
        String city,
        String state,
        String zip,
        String areaCode,
        String localPhone,
        String ssn,
        String email,
        String kinFamily,
        String kinGiven) {

    private static final Map<String, String> ASCII_FOLDED = new ConcurrentHashMap<>();
    private static final Map<Character, String> NO_DECOMPOSITION = Map.of(
            'Ł', "L", 'ł', "l", 'Ø', "O", 'ø', "o", 'ß', "ss", 'Æ', "AE", 'æ', "ae",
            'Þ', "Th", 'þ', "th", 'Đ', "D");

    /** Family name as it can be written in {@code cs}. */
    public String family(Charset cs) {
        return renderable(family, cs);
    }

    /** Given name as it can be written in {@code cs}. */
    public String given(Charset cs) {
        return renderable(given, cs);
    }

    public String kinFamily(Charset cs) {
        return renderable(kinFamily, cs);
    }

    public String kinGiven(Charset cs) {
        return renderable(kinGiven, cs);
    }

    /** Phone as written in TN and XTN-1 up to v2.6, e.g. {@code (208)555-0142}. */
    public String formattedPhone() {
        return "(" + areaCode + ")" + localPhone;
    }

    /** Local number as written in XTN-7 from v2.7 on, e.g. {@code 5550142}. */
    public String localPhoneDigits() {
        return localPhone.replace("-", "");
    }

    /** Birth date as a clinician types it in free text, e.g. {@code 03/14/1956}. */
    public String birthDateText() {
        return birthDate.substring(4, 6) + "/" + birthDate.substring(6, 8) + "/" + birthDate.substring(0, 4);
    }

    /**
     * Every identifying string of this patient in every form the generator may write it:
     * what a PHI-leak test must never find in de-identified output.
     */
    public Set<String> phi() {
        Set<String> phi = new LinkedHashSet<>();
        for (String name : new String[] {family, given, kinFamily, kinGiven}) {
            phi.add(name);
            phi.add(ascii(name));
        }
        phi.add(mrn);
        phi.add(account);
        phi.add(visitNumber);
        phi.add(birthDate);
        phi.add(birthDateText());
        phi.add(street);
        phi.add(city);
        phi.add(zip);
        phi.add(formattedPhone());
        phi.add(localPhone);
        phi.add(localPhoneDigits());
        phi.add(ssn);
        phi.add(email);
        return phi;
    }

    static String renderable(String text, Charset cs) {
        return fits(text, cs) ? text : ASCII_FOLDED.computeIfAbsent(text, FakePatient::ascii);
    }

    /** Whether {@code cs} can carry {@code text}; fast for the three charsets the generator uses. */
    static boolean fits(String text, Charset cs) {
        int limit;
        if (StandardCharsets.US_ASCII.equals(cs)) {
            limit = 0x80;
        } else if (StandardCharsets.ISO_8859_1.equals(cs)) {
            limit = 0x100;
        } else if (StandardCharsets.UTF_8.equals(cs)) {
            return true;
        } else {
            return cs.newEncoder().canEncode(text);
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= limit) {
                return false;
            }
        }
        return true;
    }

    /** Folds accents away (NFD, drop combining marks) and maps letters that do not decompose. */
    static String ascii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : Normalizer.normalize(text, Normalizer.Form.NFD).toCharArray()) {
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue;
            }
            out.append(NO_DECOMPOSITION.getOrDefault(c, String.valueOf(c)));
        }
        return out.toString();
    }
}
