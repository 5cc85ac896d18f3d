package org.clinicaldatahub.hub.terminology;

import java.nio.file.Path;
import java.time.Duration;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The terminology beans wired as the hub wires them, over chosen directories, without Spring. */
final class TerminologyTestSupport {

    final TerminologyProperties properties = new TerminologyProperties();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TerminologyTables tables;
    UnmappedCodes unmappedCodes;
    TerminologyMapper mapper;
    MapTerminology mapTerminology;

    /** The shipped terminology/ and mappings/ (the hub's defaults, relative to the project directory). */
    static TerminologyTestSupport shipped() {
        return new TerminologyTestSupport(Path.of("terminology"), null);
    }

    TerminologyTestSupport(Path dir, Path releaseDir) {
        properties.setDir(dir);
        properties.setReleaseDir(releaseDir);
        properties.setWatch(false);
    }

    TerminologyTestSupport watching(Duration delay) {
        properties.setWatch(true);
        properties.setWatchDelay(delay);
        return this;
    }

    TerminologyTestSupport start() {
        tables = new TerminologyTables(properties);
        unmappedCodes = new UnmappedCodes(properties, "test-node");
        mapper = new TerminologyMapper(tables, unmappedCodes, new TerminologyMetrics(registry));
        mapTerminology = new MapTerminology(mapper);
        tables.current();
        return this;
    }

    void stop() {
        tables.destroy();
    }

    /** The ingest parser exactly as hl7.Hl7Configuration builds it (generic model, no validation). */
    static Parser hl7Parser() {
        DefaultHapiContext generic = new DefaultHapiContext(new GenericModelClassFactory());
        generic.setValidationContext(ValidationContextFactory.noValidation());
        generic.getParserConfiguration().setValidating(false);
        return generic.getPipeParser();
    }
}
