package org.clinicaldatahub.hub.hl7.support;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Builds a deterministic pool of {@link FakePatient}s. The name lists are invented or generic;
 * they mix plain ASCII, Latin-1 ("Müller", "Zoë") and letters only UTF-8 carries ("Dvořák",
 * "Łucja") so every charset path of the hub gets exercised. Provider names live in a separate
 * list in {@link SyntheticHl7} so a PHI search never matches a clinician.
 */
final class FakePatients {

    static final List<String> FAMILY = List.of(
            "Harlowe", "Quenby", "Fenwright", "Ashcombe", "Thistlebeck", "Marbury", "Okonkwe",
            "Vantrell", "Pemberly", "Kestrane",
            "Müller", "Sørensen", "Núñez", "Lefèvre", "Gonçalves", "Åberg", "Schäfer", "Þórsdóttir",
            "Dvořák", "Łęcka", "Şahinoğlu", "Nguyễn", "Wróblewska");
    static final List<String> GIVEN = List.of(
            "Avelin", "Brisa", "Corwin", "Dalia", "Emrys", "Faelan", "Gwenna", "Hollis", "Ines", "Jory",
            "Zoë", "Jürgen", "Anaïs", "Søren", "Inés", "Chloé", "Björn", "Mária",
            "Zdeněk", "Łucja", "Ayşe", "Thảo");
    private static final List<String> STREETS = List.of(
            "Alderwick Lane", "Brackenfold Row", "Cindermoss Way", "Dunlark Court", "Elmsworth Close",
            "Fernholt Road", "Gorsebeck Street", "Hazelmere Drive");
    private static final List<String> CITIES = List.of(
            "Larkmoor", "Quillby", "Wexmere", "Hollinsford", "Brindlecot", "Ashgrove Vale");
    private static final List<String> STATES = List.of("NV", "VT", "OR", "ME", "NM", "WY");
    /** ZIPs include Safe Harbor restricted 3-digit prefixes (036, 059, 102, 203, 556, 692, 821, 878, 893). */
    private static final List<String> ZIPS = List.of(
            "03601", "05901", "10215", "20301", "55602", "69201", "82101", "87801", "89301",
            "30412", "61577", "74833");
    private static final List<String> AREA_CODES = List.of("208", "312", "406", "505", "617", "802");

    private FakePatients() {
    }

    static List<FakePatient> pool(long seed, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("patient pool needs at least one patient");
        }
        Random random = new Random(seed ^ 0x5EEDFACEL);
        Set<String> usedMrns = new HashSet<>();
        List<FakePatient> pool = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String mrn;
            do {
                mrn = "41" + digits(random, 7);
            } while (!usedMrns.add(mrn));
            String family = pick(random, FAMILY);
            String given = pick(random, GIVEN);
            int year = 1931 + random.nextInt(94);
            String birthDate = String.format(Locale.ROOT, "%04d%02d%02d", year, 1 + random.nextInt(12),
                    1 + random.nextInt(28));
            String kinFamily = random.nextBoolean() ? family : pick(random, FAMILY);
            String kinGiven = pick(random, GIVEN);
            String local = "555-01" + digits(random, 2);
            String ssn = (900 + random.nextInt(100)) + "-" + digits(random, 2) + "-" + digits(random, 4);
            String email = (FakePatient.ascii(given) + "." + FakePatient.ascii(family)).toLowerCase(Locale.ROOT)
                    + (10 + random.nextInt(90)) + "@example.org";
            pool.add(new FakePatient(
                    mrn,
                    "63" + mrn.substring(2),
                    "87" + mrn.substring(2),
                    family,
                    given,
                    birthDate,
                    random.nextInt(10) < 5 ? "F" : (random.nextInt(10) < 9 ? "M" : "U"),
                    (1 + random.nextInt(998)) + " " + pick(random, STREETS),
                    pick(random, CITIES),
                    pick(random, STATES),
                    pick(random, ZIPS),
                    pick(random, AREA_CODES),
                    local,
                    ssn,
                    email,
                    kinFamily,
                    kinGiven));
        }
        return List.copyOf(pool);
    }

    static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static String digits(Random random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }
}
