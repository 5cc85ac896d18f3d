package org.clinicaldatahub.hub.genomics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.clinicaldatahub.hub.storage.DataClass;
import org.clinicaldatahub.hub.storage.StoragePolicy;
import org.junit.jupiter.api.Test;

/** The shipped storage policy, read by the strict parser, has the data class the drop folders write to. */
class InstrumentStagingPolicyTest {

    @Test
    void instrumentStagingIsAnIdentifiedClassWithStableKeysInItsOwnBucket() {
        StoragePolicy policy = StoragePolicy.load(Path.of("mappings/storage-policy.yaml"));
        DataClass staging = policy.dataClass("instrument-staging");
        assertThat(staging.zone()).isEqualTo(DataClass.IDENTIFIED);
        assertThat(staging.bucket()).isEqualTo("hub-instrument-staging")
                .isNotEqualTo(policy.dataClass("research-active").bucket());
        // no date in the layout: a run seen again on another day lands on the same keys
        assertThat(staging.keyLayout()).isEqualTo("{channel}/{name}");
        assertThat(staging.tags()).containsEntry("data-class", "instrument-staging");
    }
}
