package org.clinicaldatahub.hub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class StoragePolicyTest {

    private static StoragePolicy parse(String yaml) {
        return StoragePolicy.parse(yaml, "test.yaml");
    }

    private static String policy(String researchBucket, String storageClass) {
        return """
                dataClasses:
                  clinical-hot: {zone: identified, bucket: hub-clinical, keyLayout: "{channel}/{name}"}
                  research-active: {zone: de-identified, bucket: %s, keyLayout: "{channel}/{name}", storageClass: %s}
                  quarantine: {zone: identified, bucket: hub-quarantine, keyLayout: "{channel}/{name}"}
                  audit: {zone: identified, bucket: hub-audit, keyLayout: "{channel}/{name}"}
                """.formatted(researchBucket, storageClass);
    }

    @Test
    void shippedPolicyLoads() {
        StoragePolicy policy = StoragePolicy.load(Path.of("mappings/storage-policy.yaml"));
        assertThat(policy.dataClass("clinical-hot").zone()).isEqualTo("identified");
        assertThat(policy.dataClass("research-active").zone()).isEqualTo("de-identified");
        assertThat(policy.dataClass("research-active").bucket())
                .isNotEqualTo(policy.dataClass("clinical-hot").bucket());
    }

    @Test
    void deidentifiedClassInAnIdentifiedBucketIsRefused() {
        assertThatThrownBy(() -> parse(policy("hub-clinical", "STANDARD")))
                .hasMessageContaining("test.yaml").hasMessageContaining("identified and the de-identified zone");
    }

    @Test
    void unknownStorageClassIsRefused() {
        assertThatThrownBy(() -> parse(policy("hub-research", "FROZEN")))
                .hasMessageContaining("unknown storageClass 'FROZEN'");
    }

    @Test
    void missingRequiredClassIsRefused() {
        assertThatThrownBy(() -> parse("dataClasses:\n  clinical-hot: {zone: identified, bucket: b-1, keyLayout: \"{name}\"}\n"))
                .hasMessageContaining("required data class 'audit' is missing");
    }

    @Test
    void keyLayoutIsFilledFromChannelDateAndName() {
        DataClass clinical = parse(policy("hub-research", "STANDARD")).dataClass("clinical-hot");
        DataClass dated = new DataClass("x", "identified", "b", "{channel}/{yyyy}/{MM}/{dd}/{name}", "STANDARD",
                java.util.Map.of());
        assertThat(TieredStore.key(clinical, "hl7", "n.gz", java.time.ZonedDateTime.parse("2026-03-04T10:00:00Z")))
                .isEqualTo("hl7/n.gz");
        assertThat(TieredStore.key(dated, "hl7", "n.gz", java.time.ZonedDateTime.parse("2026-03-04T10:00:00Z")))
                .isEqualTo("hl7/2026/03/04/n.gz");
    }
}
