package org.clinicaldatahub.hub.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BodyShapeTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonDepthCountsObjectsAndArraysButNotBracketsInStrings() {
        assertThat(BodyShape.checkJson(bytes("{\"a\":[{\"b\":1}]}"), 3)).isEmpty();
        assertThat(BodyShape.checkJson(bytes("{\"a\":[{\"b\":[1]}]}"), 3)).contains(BodyShape.Problem.TOO_DEEP);
        assertThat(BodyShape.checkJson(bytes("{\"a\":\"[[[[[[\\\"{{{{\"}"), 2)).isEmpty();
    }

    @Test
    void xmlWithDoctypeOrEntityIsRefused() {
        assertThat(BodyShape.checkXml(bytes("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Patient/>"), 10))
                .contains(BodyShape.Problem.DOCTYPE);
        assertThat(BodyShape.checkXml(bytes("<?xml version=\"1.0\"?>\n<!doctype Patient><Patient/>"), 10))
                .contains(BodyShape.Problem.DOCTYPE);
    }

    @Test
    void xmlDepthAndWellFormedness() {
        assertThat(BodyShape.checkXml(bytes("<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"x\"/></name></Patient>"), 3))
                .isEmpty();
        assertThat(BodyShape.checkXml(bytes("<a><b><c><d/></c></b></a>"), 3)).contains(BodyShape.Problem.TOO_DEEP);
        assertThat(BodyShape.checkXml(bytes("<a><b></a>"), 10)).contains(BodyShape.Problem.NOT_WELL_FORMED);
    }
}
