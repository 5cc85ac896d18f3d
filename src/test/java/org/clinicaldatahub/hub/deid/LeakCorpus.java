package org.clinicaldatahub.hub.deid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic messages seeded with known fake PHI in every Safe Harbor category (45 CFR
 * 164.514(b)(2)(i)(A)-(R)), in structured fields and in free text, each value unique to its
 * message so a leak check is exact. Names start with "Zq" and never occur in real text.
 */
final class LeakCorpus {

    /** One generated record and the seeded values per category. */
    record Item(String kind, String text, String recordKey, Map<String, List<String>> seeds) {
    }

    private final Random random;

    LeakCorpus(long seed) {
        this.random = new Random(seed);
    }

    private String letters(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    private String digits(int n) {
        StringBuilder s = new StringBuilder();
        s.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** An HL7 v2.5.1 message (ADT^A01 or ORU^R01) of a new fake patient. */
    Item hl7(int i) {
        Map<String, List<String>> seeds = new LinkedHashMap<>();
        String family = "Zq" + letters(6);
        String given = cap(letters(7)) + "zq";
        String kinGiven = cap(letters(6)) + "qz";
        String kinFamily = "Zq" + letters(7);
        String employer = "Zq" + cap(letters(6)) + " Industries";
        String street = digits(3) + " " + cap(letters(8)) + " Street";
        String city = "Zq" + letters(6) + "ville";
        String zip5 = "9" + digits(4);
        int year = 1925 + random.nextInt(80);
        String birth = "%04d%02d%02d".formatted(year, 1 + random.nextInt(12), 1 + random.nextInt(28));
        String birthUs = birth.substring(4, 6) + "/" + birth.substring(6, 8) + "/" + birth.substring(0, 4);
        String admit = "2026%02d%02d0815".formatted(1 + random.nextInt(12), 1 + random.nextInt(28));
        String phone = "(" + digits(3) + ") 555-" + digits(4);
        String fax = digits(3) + "-555-" + digits(4);
        String email = given.toLowerCase() + "." + family.toLowerCase() + "@example.org";
        String ssn = digits(3) + "-" + digits(2) + "-" + digits(4);
        String mrn = "MR" + digits(7);
        String plan = "HPB" + digits(8);
        String account = "AC" + digits(8);
        String license = "DL" + digits(7);
        String vin = "1HG" + letters(2).toUpperCase() + digits(12);
        String device = "SN" + digits(6) + "X" + digits(3);
        String url = "https://portal.example.org/zq/" + letters(8);
        String ip = "10." + random.nextInt(250) + "." + random.nextInt(250) + "." + (1 + random.nextInt(250));
        String biometric = "FPT" + digits(9);
        String photo = "UEhPVE8t" + letters(12).toUpperCase() + "ZmFrZQ==";
        String otherId = "EMP" + digits(7);

        put(seeds, "A names", family, given, kinGiven, kinFamily, employer);
        put(seeds, "B geographic", street, city, zip5);
        put(seeds, "C dates", birth, birthUs, admit.substring(0, 8));
        put(seeds, "D phone", phone);
        put(seeds, "E fax", fax);
        put(seeds, "F email", email);
        put(seeds, "G ssn", ssn);
        put(seeds, "H mrn", mrn);
        put(seeds, "I health plan", plan);
        put(seeds, "J account", account);
        put(seeds, "K license", license);
        put(seeds, "L vehicle", vin);
        put(seeds, "M device", device);
        put(seeds, "N url", url);
        put(seeds, "O ip", ip);
        put(seeds, "P biometric", biometric);
        put(seeds, "Q photo", photo);
        put(seeds, "R other id", otherId);

        String control = "LEAK" + i;
        String note = given + " " + family + " (MRN " + mrn + ", DOB " + birthUs + ") lives at " + street + ", " + city
                + " " + zip5 + ". Phone " + phone + ", fax " + fax + ", e-mail " + email + ". SSN " + ssn
                + ". Member id " + plan + ", account " + account + ", license " + license + ". Drives VIN " + vin
                + "; pacemaker serial number " + device + ". Portal " + url + " from " + ip + ". Fingerprint id "
                + biometric + ". Wife " + kinGiven + " " + kinFamily + " works at " + employer + ", employee id "
                + otherId + ". Admitted " + admit.substring(4, 6) + "/" + admit.substring(6, 8) + "/2026.";
        List<String> segments = new ArrayList<>();
        boolean oru = i % 2 == 1;
        segments.add("MSH|^~\\&|LEAKAPP|LEAKFAC|HUB|HUB|" + admit + "||" + (oru ? "ORU^R01^ORU_R01" : "ADT^A01^ADT_A01")
                + "|" + control + "|P|2.5.1");
        if (!oru) {
            segments.add("EVN|A01|" + admit);
        }
        segments.add("PID|1||" + mrn + "^^^HOSP^MR~" + ssn + "^^^SSA^SS~" + license + "^^^CA^DL~" + plan
                + "^^^PLAN^MB||" + family + "^" + given + "||" + birth + "|F|||" + street + "^^" + city + "^CA^" + zip5
                + "^USA||" + phone.replaceAll("\\D", "").substring(0, 0) + phone + "~^NET^Internet^" + email + "~^ORN^FX^^^"
                + fax.substring(0, 3) + "^" + fax.substring(4).replace("-", "") + "||||||" + account + "^^^HOSP^AN|" + ssn
                + "|" + license + "^CA");
        segments.add("NK1|1|" + kinFamily + "^" + kinGiven + "|SPO^Spouse^HL70063|" + street + "^^" + city + "^CA^" + zip5
                + "|" + phone + "||||||" + otherId + "|" + employer);
        segments.add("PV1|1|I|4WEST^401^A||||1234^Welby^Marcus|||MED||||||||IN|V" + digits(8) + "^^^HOSP^VN"
                + "|||||||||||||||||||||||||" + admit);
        if (oru) {
            segments.add("OBR|1|PL" + digits(6) + "|FL" + digits(6) + "|11492-6^H&P^LN|||" + admit);
            segments.add("OBX|1|TX|11492-6^History and physical^LN||" + note + "||||||F|||" + admit);
            segments.add("OBX|2|ED|PHOTO^Patient photo^L||^IM^JPEG^Base64^" + photo + "||||||F");
            segments.add("OBX|3|ST|DEVICE^Implant^L||Pacemaker||||||F|||" + admit + "||||" + device);
            segments.add("NTE|1|L|Call " + given + " at " + phone + " re biometric " + biometric);
        } else {
            segments.add("OBX|1|ST|8661-1^Chief complaint^LN||" + note + "||||||F");
            segments.add("OBX|2|ED|PHOTO^Patient photo^L||^IM^JPEG^Base64^" + photo + "||||||F");
            segments.add("GT1|1|" + account + "|" + family + "^" + given + "||" + street + "^^" + city + "^CA^" + zip5
                    + "|" + phone + "||" + birth + "|F||SE|" + ssn + "||||" + employer);
            segments.add("IN1|1|PLAN1^Gold|INS1|Acme Health||||GRP1||||||||" + family + "^" + given + "|SEL|" + birth
                    + "|" + street + "^^" + city + "^CA^" + zip5 + "||||||||||||||||" + plan);
            segments.add("ZPI|1|" + given + " " + family + "|" + biometric);
        }
        return new Item("hl7", String.join("\r", segments) + "\r", mrn, seeds);
    }

    private static void put(Map<String, List<String>> seeds, String category, String... values) {
        seeds.computeIfAbsent(category, c -> new ArrayList<>()).addAll(List.of(values));
    }

    /** A FHIR R4 Patient of a new fake patient, with narrative, contact and photo. */
    Item fhirPatient(int i) {
        Item hl7 = hl7(i * 2 + 1000);
        Map<String, List<String>> s = hl7.seeds();
        String family = s.get("A names").get(0);
        String given = s.get("A names").get(1);
        String kinGiven = s.get("A names").get(2);
        String kinFamily = s.get("A names").get(3);
        String street = s.get("B geographic").get(0);
        String city = s.get("B geographic").get(1);
        String zip = s.get("B geographic").get(2);
        String birth = s.get("C dates").get(0);
        String birthFhir = birth.substring(0, 4) + "-" + birth.substring(4, 6) + "-" + birth.substring(6, 8);
        String phone = s.get("D phone").get(0);
        String email = s.get("F email").get(0);
        String ssn = s.get("G ssn").get(0);
        String mrn = s.get("H mrn").get(0);
        String url = s.get("N url").get(0);
        String photo = s.get("Q photo").get(0);
        Map<String, List<String>> seeds = new LinkedHashMap<>();
        put(seeds, "A names", family, given, kinGiven, kinFamily);
        put(seeds, "B geographic", street, city, zip);
        put(seeds, "C dates", birthFhir, birth);
        put(seeds, "D phone", phone);
        put(seeds, "F email", email);
        put(seeds, "G ssn", ssn);
        put(seeds, "H mrn", mrn);
        put(seeds, "N url", url);
        put(seeds, "Q photo", photo);
        String json = """
                {"resourceType":"Patient","id":"p%d",
                 "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">%s %s, MRN %s, born %s, %s, %s %s, %s, %s, SSN %s, see %s</div>"},
                 "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"urn:oid:2.16.840.1.113883.3.9999.1","value":"%s"},
                               {"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"SS"}]},"system":"http://hl7.org/fhir/sid/us-ssn","value":"%s"}],
                 "name":[{"family":"%s","given":["%s"]}],
                 "telecom":[{"system":"phone","value":"%s"},{"system":"email","value":"%s"},{"system":"url","value":"%s"}],
                 "birthDate":"%s",
                 "address":[{"line":["%s"],"city":"%s","state":"CA","postalCode":"%s"}],
                 "photo":[{"contentType":"image/jpeg","data":"%s"}],
                 "contact":[{"name":{"family":"%s","given":["%s"]},"telecom":[{"system":"phone","value":"%s"}]}]}
                """.formatted(i, given, family, mrn, birthFhir, street, city, zip, phone, email, ssn, url, mrn, ssn,
                family, given, phone, email, url, birthFhir, street, city, zip, photo, kinFamily, kinGiven, phone);
        return new Item("fhir", json, "Patient/p" + i, seeds);
    }
}
