package org.clinicaldatahub.hub.deid;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the de-identification capability ({@code hub.deid.*}); every one is in the README. */
@ConfigurationProperties("hub.deid")
public class DeidProperties {

    /**
     * The pseudonym key as text, or {@code base64:} and the key's bytes in base64. A secret: from
     * the environment ({@code HUB_PSEUDONYM_KEY}) or a keystore, never from a file in the repo.
     */
    private String pseudonymKey;

    /** A PKCS12 keystore holding the key as a secret-key entry, used when no key is given as text. */
    private final Keystore keystore = new Keystore();

    /**
     * Without a key, generate one under {@code <data-dir>/deid} on first start and warn: for the
     * embedded default only. Production turns this off, so a missing key stops the start.
     */
    private boolean generateDevelopmentKey = true;

    /** Where a generated development key is kept. */
    private Path dataDir = Path.of("data");

    /** How pseudonyms are spelled. */
    private final Pseudonym pseudonym = new Pseudonym();

    /** Largest per-patient date shift, in days either way. */
    private int dateShiftDays = 365;

    /** Canonical patient-identifier issuers and their spellings per channel. */
    private Path patientIdIssuers = Path.of("mappings/deid/patient-id-issuers.yaml");

    /** A PKCS12 keystore entry. */
    public static class Keystore {
        private Path path;
        private String password;
        private String alias = "pseudonym";

        public Path getPath() { return path; }
        public void setPath(Path path) { this.path = path; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public String getAlias() { return alias; }
        public void setAlias(String alias) { this.alias = alias; }
    }

    /** Prefix, alphabet and length of a pseudonym. */
    public static class Pseudonym {
        private String prefix = "P";
        private PseudonymFormat.Alphabet alphabet = PseudonymFormat.Alphabet.BASE32;
        private int length = 16;

        public String getPrefix() { return prefix; }
        public void setPrefix(String prefix) { this.prefix = prefix; }
        public PseudonymFormat.Alphabet getAlphabet() { return alphabet; }
        public void setAlphabet(PseudonymFormat.Alphabet alphabet) { this.alphabet = alphabet; }
        public int getLength() { return length; }
        public void setLength(int length) { this.length = length; }

        PseudonymFormat toFormat() {
            return new PseudonymFormat(prefix, alphabet, length);
        }
    }

    public String getPseudonymKey() { return pseudonymKey; }
    public void setPseudonymKey(String pseudonymKey) { this.pseudonymKey = pseudonymKey; }
    public Keystore getKeystore() { return keystore; }
    public boolean isGenerateDevelopmentKey() { return generateDevelopmentKey; }
    public void setGenerateDevelopmentKey(boolean generateDevelopmentKey) { this.generateDevelopmentKey = generateDevelopmentKey; }
    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public Pseudonym getPseudonym() { return pseudonym; }
    public int getDateShiftDays() { return dateShiftDays; }
    public void setDateShiftDays(int dateShiftDays) { this.dateShiftDays = dateShiftDays; }
    public Path getPatientIdIssuers() { return patientIdIssuers; }
    public void setPatientIdIssuers(Path patientIdIssuers) { this.patientIdIssuers = patientIdIssuers; }
}
