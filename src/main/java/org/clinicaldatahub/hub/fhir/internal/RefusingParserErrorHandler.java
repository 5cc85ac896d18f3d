package org.clinicaldatahub.hub.fhir.internal;

import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;
import org.clinicaldatahub.hub.fhir.FhirRejection;

/**
 * Structure validation while parsing (FHIR R4 structure rules, as HAPI's StrictErrorHandler): an
 * unknown element, a repeated single element or an invalid primitive refuses the body. Unlike
 * HAPI's own handler, the message names only the element, never the value the sender put there.
 * Element names are echoed only when they look like FHIR element names.
 */
public final class RefusingParserErrorHandler implements IParserErrorHandler {

    public static final RefusingParserErrorHandler INSTANCE = new RefusingParserErrorHandler();

    private RefusingParserErrorHandler() {
    }

    @Override
    public void unknownElement(IParseLocation location, String elementName) {
        throw structure("FHIR_UNKNOWN_ELEMENT", "Unknown element " + name(elementName) + where(location));
    }

    @Override
    public void unknownAttribute(IParseLocation location, String attributeName) {
        throw structure("FHIR_UNKNOWN_ELEMENT", "Unknown attribute " + name(attributeName) + where(location));
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
        throw structure("FHIR_REPEATED_ELEMENT", "Element " + name(elementName) + " may not repeat" + where(location));
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
        throw new FhirRejection("FHIR_INVALID_VALUE", 400, "value", "Invalid primitive value" + where(location));
    }

    @Override
    public void incorrectJsonType(IParseLocation location, String elementName, BaseJsonLikeValue.ValueType expected,
            BaseJsonLikeValue.ScalarType expectedScalar, BaseJsonLikeValue.ValueType found,
            BaseJsonLikeValue.ScalarType foundScalar) {
        throw structure("FHIR_INVALID_JSON_TYPE", "Element " + name(elementName) + " has the wrong JSON type"
                + " (expected " + expected + ", found " + found + ")" + where(location));
    }

    @Override
    public void missingRequiredElement(IParseLocation location, String elementName) {
        throw new FhirRejection("FHIR_MISSING_ELEMENT", 400, "required",
                "Required element " + name(elementName) + " is missing" + where(location));
    }

    @Override
    public void containedResourceWithNoId(IParseLocation location) {
        throw structure("FHIR_CONTAINED_WITHOUT_ID", "Contained resource has no id" + where(location));
    }

    @Override
    public void unknownReference(IParseLocation location, String reference) {
        // a reference to something outside the body is normal; only contained references are checked
    }

    @Override
    public void invalidInternalReference(IParseLocation location, String reference) {
        throw structure("FHIR_INVALID_INTERNAL_REFERENCE", "Reference to a contained resource that is not there"
                + where(location));
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
        throw structure("FHIR_INVALID_EXTENSION", "Extension has both a value and nested extensions" + where(location));
    }

    private static FhirRejection structure(String reason, String text) {
        return new FhirRejection(reason, 400, "structure", text);
    }

    private static String where(IParseLocation location) {
        String parent = location == null ? null : location.getParentElementName();
        return parent == null || !isName(parent) ? "" : " in " + parent;
    }

    private static String name(String name) {
        return isName(name) ? "'" + name + "'" : "(not a FHIR element name)";
    }

    /** FHIR element names: letters, digits, '_', '-', '.', '[x]' and '@', at most 64 characters. */
    static boolean isName(String name) {
        return name != null && name.length() <= 64 && name.matches("[A-Za-z_@][A-Za-z0-9_.\\-\\[\\]]*");
    }
}
