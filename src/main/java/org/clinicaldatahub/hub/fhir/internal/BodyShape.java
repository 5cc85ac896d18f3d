package org.clinicaldatahub.hub.fhir.internal;

import java.io.ByteArrayInputStream;
import java.util.Locale;
import java.util.Optional;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Cheap checks on the raw body before the FHIR parser sees it: XML bodies with a document type
 * declaration are refused (FHIR R4 XML forbids DTDs, and external entities are the XXE attack),
 * and bodies nested deeper than a limit are refused before a recursive parser descends into them.
 * Each check returns the problem, or empty when the body may be parsed.
 */
public final class BodyShape {

    /** Why a body was refused before parsing. */
    public enum Problem { DOCTYPE, TOO_DEEP, NOT_WELL_FORMED }

    private static final XMLInputFactory XML = secureFactory();

    private BodyShape() {
    }

    /** Nesting of JSON objects and arrays, counted outside strings. */
    public static Optional<Problem> checkJson(byte[] body, int maxDepth) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
                continue;
            }
            switch (b) {
                case '"' -> inString = true;
                case '{', '[' -> {
                    if (++depth > maxDepth) {
                        return Optional.of(Problem.TOO_DEEP);
                    }
                }
                case '}', ']' -> depth--;
                default -> {
                    // other tokens do not nest
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Reads the XML once with a StAX reader that supports no DTDs and resolves no entities:
     * a DOCTYPE anywhere is refused, as is element nesting beyond the limit.
     */
    public static Optional<Problem> checkXml(byte[] body, int maxDepth) {
        if (containsDoctype(body)) {
            return Optional.of(Problem.DOCTYPE);
        }
        XMLStreamReader reader = null;
        try {
            reader = XML.createXMLStreamReader(new ByteArrayInputStream(body));
            int depth = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD) {
                    return Optional.of(Problem.DOCTYPE);
                } else if (event == XMLStreamConstants.START_ELEMENT) {
                    if (++depth > maxDepth) {
                        return Optional.of(Problem.TOO_DEEP);
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
            return Optional.empty();
        } catch (XMLStreamException e) {
            return Optional.of(Problem.NOT_WELL_FORMED);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException e) {
                    // nothing held
                }
            }
        }
    }

    private static boolean containsDoctype(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 64 * 1024), java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.toUpperCase(Locale.ROOT).contains("<!DOCTYPE") || text.toUpperCase(Locale.ROOT).contains("<!ENTITY");
    }

    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return factory;
    }
}
