package org.clinicaldatahub.hub.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FhirFormatTest {

    @Test
    void contentTypesNameTheWireFormat() {
        assertThat(FhirFormat.ofContentType("application/fhir+json; fhirVersion=4.0")).contains(FhirFormat.JSON);
        assertThat(FhirFormat.ofContentType("application/fhir+xml;charset=UTF-8")).contains(FhirFormat.XML);
        assertThat(FhirFormat.ofContentType("text/plain")).isEmpty();
        assertThat(FhirFormat.ofContentType(null)).isEmpty();
    }

    @Test
    void onlyFhirMediaTypesInAcceptChooseTheAnswerFormat() {
        // what HTTP libraries send by default must not turn an XML answer into JSON
        assertThat(FhirFormat.ofAccept("text/plain, application/json, */*", FhirFormat.XML)).isEqualTo(FhirFormat.XML);
        assertThat(FhirFormat.ofAccept("application/fhir+json", FhirFormat.XML)).isEqualTo(FhirFormat.JSON);
        assertThat(FhirFormat.ofAccept(null, FhirFormat.JSON)).isEqualTo(FhirFormat.JSON);
    }
}
