package org.clinicaldatahub.hub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mistake an analyst can make in the storage policy stops the hub with the file, the line
 * and the problem, so it is fixed before any PHI is written to the wrong place or unprotected.
 */
class StoragePolicyMistakesTest {

    /** A valid policy; each case replaces one line (by its text) with a mistake. */
    private static final String VALID = """
            version: 1
            dataClasses:
              clinical-hot:
                zone: identified
                bucket: hub-clinical
                keyLayout: "{channel}/{yyyy}/{MM}/{dd}/{name}"
                storageClass: STANDARD
                versioning: true
                encryption:
                  type: SSE-S3
                lifecycle:
                  transitions:
                    - afterDays: 30
                      storageClass: STANDARD_IA
                    - afterDays: 180
                      storageClass: GLACIER_IR
              research-active:
                zone: de-identified
                bucket: hub-research
                keyLayout: "{channel}/{name}"
                lifecycle:
                  expireAfterDays: 90
              quarantine:
                zone: identified
                bucket: hub-quarantine
                keyLayout: "{channel}/{name}"
              audit:
                zone: identified
                bucket: hub-audit
                keyLayout: "{channel}/{name}"
                objectLock:
                  mode: COMPLIANCE
                  retention: P7Y
            """;

    record Mistake(String description, String line, String replacement, int expectedLine, String expectedText) {
        @Override
        public String toString() {
            return description;
        }
    }

    static List<Mistake> mistakes() {
        return List.of(
                new Mistake("unknown zone", "    zone: de-identified", "    zone: deidentified", 18,
                        "research-active: zone must be 'identified' or 'de-identified', was 'deidentified'"),
                new Mistake("invalid bucket name", "    bucket: hub-research", "    bucket: Hub_Research", 19,
                        "bucket 'Hub_Research' is not a valid S3 bucket name"),
                new Mistake("typo in a setting name", "    storageClass: STANDARD", "    storageClas: STANDARD", 7,
                        "clinical-hot: unknown setting 'storageClas'"),
                new Mistake("unknown storage class", "      storageClass: GLACIER_IR", "      storageClass: FROZEN", 16,
                        "lifecycle transition to 'FROZEN' is not a colder known storage class"),
                new Mistake("transitions out of order", "    - afterDays: 180", "    - afterDays: 20", 15,
                        "lifecycle transitions must be in increasing afterDays (20 after 30)"),
                new Mistake("object lock with a bad retention", "      retention: P7Y", "      retention: 7 years", 33,
                        "audit: objectLock.retention must be an ISO-8601 period like P7Y, was '7 years'"),
                new Mistake("object lock mode misspelt", "      mode: COMPLIANCE", "      mode: COMPLIANT", 32,
                        "audit: objectLock.mode must be one of [COMPLIANCE, GOVERNANCE]"),
                new Mistake("identified and de-identified data in one bucket", "    bucket: hub-research",
                        "    bucket: hub-clinical", 18, "bucket 'hub-clinical' is used by both the identified and the de-identified zone"),
                new Mistake("SSE-KMS without a key", "      type: SSE-S3", "      type: SSE-KMS", 10,
                        "clinical-hot: encryption SSE-KMS needs kmsKeyId"),
                new Mistake("not a number of days", "      expireAfterDays: 90", "      expireAfterDays: ninety", 22,
                        "lifecycle.expireAfterDays must be a whole number of days above 0, was 'ninety'"),
                new Mistake("duplicate data class", "  quarantine:", "  audit:", 27, "dataClasses: 'audit' appears twice (first at line 23)"),
                new Mistake("broken indentation", "    keyLayout: \"{channel}/{name}\"\n  audit:",
                        "    keyLayout: \"{channel}/{name}\"\n   audit:", 27, "not valid YAML"),
                new Mistake("required class removed", "  quarantine:", "  quarantine-old:", 3,
                        "required data class 'quarantine' is missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeNamesFileLineAndProblem(Mistake mistake) {
        assertThat(VALID).contains(mistake.line());
        String broken = VALID.replaceFirst(java.util.regex.Pattern.quote(mistake.line()),
                java.util.regex.Matcher.quoteReplacement(mistake.replacement()));
        assertThatThrownBy(() -> StoragePolicy.parse(broken, "mappings/storage-policy.yaml"))
                .isInstanceOf(InvalidStoragePolicyException.class)
                .hasMessageContaining("mappings/storage-policy.yaml:" + mistake.expectedLine() + ":")
                .hasMessageContaining(mistake.expectedText());
    }

    @Test
    void theValidPolicyParsesWithEverySetting() {
        StoragePolicy policy = StoragePolicy.parse(VALID, "valid.yaml");
        DataClass clinical = policy.dataClass("clinical-hot");
        assertThat(clinical.versioning()).isTrue();
        assertThat(clinical.encryption()).isEqualTo(new Encryption("SSE-S3", null));
        assertThat(clinical.lifecycle().transitions()).containsExactly(
                new Lifecycle.Transition(30, "STANDARD_IA"), new Lifecycle.Transition(180, "GLACIER_IR"));
        assertThat(policy.dataClass("research-active").lifecycle().expireAfterDays()).isEqualTo(90);
        DataClass audit = policy.dataClass("audit");
        assertThat(audit.objectLock()).isEqualTo(new ObjectLock("COMPLIANCE", Period.ofYears(7)));
        assertThat(audit.versioning()).as("object lock implies versioning").isTrue();
    }
}
