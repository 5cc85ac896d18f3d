package org.clinicaldatahub.hub.fhir;

import java.util.Locale;
import java.util.Optional;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;

/** The two FHIR wire formats (FHIR R4 http.html#mime-type) and the media types that name them. */
public enum FhirFormat {
    JSON("application/fhir+json"),
    XML("application/fhir+xml");

    private final String mediaType;

    FhirFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public IParser newParser(FhirContext context) {
        return this == JSON ? context.newJsonParser() : context.newXmlParser();
    }

    /**
     * The format a Content-Type names: {@code application/fhir+json} and {@code application/json}
     * (also the DSTU2-era {@code application/json+fhir}), {@code application/fhir+xml} and
     * {@code application/xml}; parameters such as charset and fhirVersion are ignored.
     */
    public static Optional<FhirFormat> ofContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/fhir+json", "application/json", "application/json+fhir" -> Optional.of(JSON);
            case "application/fhir+xml", "application/xml", "application/xml+fhir", "text/xml" -> Optional.of(XML);
            default -> Optional.empty();
        };
    }

    /**
     * The format an Accept header explicitly asks for with a FHIR media type, else the fallback
     * (the request's own format). Generic types are not taken as a choice: HTTP libraries send
     * {@code application/json, *}{@code /*} by default, which would turn every XML answer into JSON.
     */
    public static FhirFormat ofAccept(String accept, FhirFormat fallback) {
        if (accept == null || accept.isBlank()) {
            return fallback;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals("application/fhir+json") || type.equals("application/json+fhir")) {
                return JSON;
            }
            if (type.equals("application/fhir+xml") || type.equals("application/xml+fhir")) {
                return XML;
            }
        }
        return fallback;
    }
}
