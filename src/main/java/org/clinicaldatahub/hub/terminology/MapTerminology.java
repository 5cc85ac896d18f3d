package org.clinicaldatahub.hub.terminology;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.hl7v2.model.Message;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.terminology.internal.Er7FormatException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * The one-line route step (bean {@code mapTerminology}):
 * <pre>- bean:
 *     id: map-terminology
 *     ref: mapTerminology</pre>
 * Takes the message body as it comes: an HL7 v2 message (text or bytes in the charset of the
 * {@code hubCharset} header, or a parsed HAPI {@link Message}) or a FHIR R4 resource or Bundle
 * (JSON or XML text, bytes, or a parsed resource), maps it with {@link TerminologyMapper}, and
 * leaves the body in the same form. HL7 v2 text is mapped in the text itself, so only the
 * fields that get a code change; when nothing was added the body is left untouched byte for
 * byte, and an HL7 v2 text whose segments have no bound field is not even read further. Sets
 * the {@link TerminologyHeaders} (codes and counts only). A body that is neither HL7 v2 nor FHIR
 * fails the exchange, so the route's error handling quarantines it.
 */
@Component("mapTerminology")
public class MapTerminology implements Processor {

    private final TerminologyMapper mapper;

    public MapTerminology(TerminologyMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        org.apache.camel.Message in = exchange.getMessage();
        Object body = in.getBody();
        String source = in.getHeader(TerminologyHeaders.SOURCE, in.getHeader(HubHeaders.ACTOR, String.class), String.class);
        MappingReport report;
        if (body instanceof Message hl7) {
            report = mapper.mapHl7(hl7);
        } else if (body instanceof IBaseResource resource) {
            report = mapper.mapFhir(resource, source);
        } else {
            boolean bytes = body instanceof byte[];
            Charset charset = charset(in.getHeader(HubHeaders.CHARSET, String.class));
            String text = bytes ? new String((byte[]) body, charset) : in.getMandatoryBody(String.class);
            String encoded;
            String start = text.stripLeading();
            if (start.startsWith("MSH") && !mapper.hasBoundHl7Segment(start)) {
                // no segment with a bound field: nothing to map, so no parse and no re-encode
                report = mapper.nothingBound();
                encoded = null;
            } else if (start.startsWith("MSH")) {
                // mapped in the ER7 text: parsing into HAPI's model and re-encoding cost over ten
                // times as much (BENCHMARKS.md, terminology) and rewrote segments nothing touched
                TerminologyMapper.MappedHl7 mapped = mapHl7(text);
                report = mapped.report();
                encoded = report.count(MappingOutcome.MAPPED) > 0 ? mapped.text() : null;
            } else if (start.startsWith("{") || start.startsWith("<")) {
                IParser parser = start.startsWith("{") ? FhirContext.forR4Cached().newJsonParser()
                        : FhirContext.forR4Cached().newXmlParser();
                // lenient as ingest is, but silent: HAPI's warnings quote element values (PHI)
                parser.setParserErrorHandler(new LenientErrorHandler(false));
                IBaseResource resource = parseFhir(parser, text);
                report = mapper.mapFhir(resource, source);
                encoded = report.count(MappingOutcome.MAPPED) > 0 ? parser.encodeResourceToString(resource) : null;
            } else {
                throw new IllegalArgumentException("terminology mapping: the body is neither HL7 v2 (MSH) nor FHIR (JSON or XML)");
            }
            if (encoded != null) {
                in.setBody(bytes ? encoded.getBytes(charset) : encoded);
            }
        }
        in.setHeader(TerminologyHeaders.MAPPINGS, report.summary());
        in.setHeader(TerminologyHeaders.MAPPED_COUNT, report.count(MappingOutcome.MAPPED));
        in.setHeader(TerminologyHeaders.UNMAPPED_COUNT, report.reportedCount());
        in.setHeader(TerminologyHeaders.GENERATION, report.generation());
    }

    /** Read errors name the problem's kind only, never the content (PHI). */
    private TerminologyMapper.MappedHl7 mapHl7(String text) {
        try {
            return mapper.mapHl7(text);
        } catch (Er7FormatException e) {
            throw new IllegalArgumentException("terminology mapping: the HL7 v2 body does not parse (" + e.getMessage() + ")");
        }
    }

    private static IBaseResource parseFhir(IParser parser, String text) {
        try {
            return parser.parseResource(text);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("terminology mapping: the FHIR body does not parse (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
