package org.clinicaldatahub.hub.deid.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecentPseudonymsTest {

    @Test
    void givesBackWhatWasRememberedForExactlyTheSameInputs() {
        RecentPseudonyms recent = new RecentPseudonyms(16);
        recent.put("patient", "HOSP", "4711", "PAAAA");
        recent.put("patient", null, "4712", "PBBBB");

        assertThat(recent.get("patient", "HOSP", "4711")).isEqualTo("PAAAA");
        assertThat(recent.get("patient", null, "4712")).isEqualTo("PBBBB");
        assertThat(recent.get("patient", "OTHER", "4711")).isNull();
        assertThat(recent.get("patient", null, "4711")).isNull();
        assertThat(recent.get("sample", "HOSP", "4711")).isNull();
        assertThat(recent.get("patient", "HOSP", "4711 ")).isNull();
    }

    @Test
    void aNewResultTakesItsSlotAndNeverAnswersForAnother() {
        RecentPseudonyms recent = new RecentPseudonyms(2);
        for (int i = 0; i < 100; i++) {
            recent.put("sample", null, "S" + i, "R" + i);
        }
        for (int i = 0; i < 100; i++) {
            Object result = recent.get("sample", null, "S" + i);
            assertThat(result == null || result.equals("R" + i)).as("S%d", i).isTrue();
        }
        assertThat(recent.get("sample", null, "S99")).isEqualTo("R99");
    }

    @Test
    void slotsArePowersOfTwo() {
        assertThatThrownBy(() -> new RecentPseudonyms(12)).isInstanceOf(IllegalArgumentException.class);
    }
}
