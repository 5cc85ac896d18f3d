package org.clinicaldatahub.hub.deid;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * De-identifies one FHIR R4 resource (JSON) under a profile, walking HAPI FHIR's R4 model: every
 * element gets the most specific rule for it (resource path {@code Patient.birthDate}, then
 * datatype element {@code Address.postalCode}, then datatype {@code HumanName} or {@code dateTime}),
 * or what its parent got. Extensions are matched by URL; unlisted ones follow the profile default.
 * Resource ids and references are pseudonymized alike, so references between de-identified
 * resources still resolve; the patient's MR identifier gets the same keyed pseudonym as PID-3.
 */
public final class FhirDeidentifier {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

    private final Pseudonymizer pseudonymizer;
    private final Clock clock;
    private final RecentPatients recentPatients;

    public FhirDeidentifier(Pseudonymizer pseudonymizer, Clock clock) {
        this(pseudonymizer, clock, RecentPatients.none());
    }

    public FhirDeidentifier(Pseudonymizer pseudonymizer, Clock clock, RecentPatients recentPatients) {
        this.pseudonymizer = pseudonymizer;
        this.clock = clock;
        this.recentPatients = recentPatients;
    }

    /**
     * @param recordKey the inbound record key (a patient reference such as {@code Patient/123}, or
     *                  {@code system|value}), used for the research key when the resource is not a Patient
     */
    public DeidResult deidentify(String json, DeidProfile profile, String recordKey) {
        IBaseResource resource;
        try {
            IParser parser = FHIR.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
            resource = parser.parseResource(json);
        } catch (DataFormatException | ClassCastException | IllegalArgumentException e) {
            // the parser's message may quote content: only the fact is kept
            throw new DeidRejection("DEID_UNPARSEABLE", "record is not a FHIR R4 resource in JSON");
        }
        if (!(resource instanceof Resource r4)) {
            throw new DeidRejection("DEID_UNPARSEABLE", "record is not a FHIR R4 resource");
        }
        Walk walk = new Walk(profile, r4, recordKey);
        walk.run();
        String out = FHIR.newJsonParser().encodeResourceToString(r4);
        return new DeidResult(out, walk.researchKey, walk.changes);
    }

    private final class Walk {
        private final DeidProfile profile;
        private final Resource resource;
        private final String type;
        private final String recordKey;
        private final DeidChanges changes = new DeidChanges();
        private final KnownIdentifiers known = new KnownIdentifiers();
        private final List<PrimitiveType<?>> deferredText = new ArrayList<>();
        private final List<Narrative> deferredNarratives = new ArrayList<>();
        private final int referenceYear;
        private String patientId;
        private String patientIssuer;
        private String researchKey;
        private Integer shiftDays;

        Walk(DeidProfile profile, Resource resource, String recordKey) {
            this.profile = profile;
            this.resource = resource;
            this.type = resource.fhirType();
            this.recordKey = recordKey;
            this.referenceYear = LocalDate.now(clock).getYear();
        }

        void run() {
            findPatient();
            String originalId = resource.getIdElement().getIdPart();
            researchKey = researchKey(originalId);
            element(resource, FHIR.getResourceDefinition(resource), type, null, DeidAction.KEEP);
            recentPatients.addTo(researchKey, known);
            for (Narrative narrative : deferredNarratives) {
                String div = narrative.getDivAsString();
                if (div != null) {
                    narrative.setDivAsString(TextScrubber.scrubXhtml(div, known, changes));
                }
            }
            for (PrimitiveType<?> text : deferredText) {
                text.setValueAsString(TextScrubber.scrub(text.getValueAsString(), known, changes));
            }
            recentPatients.remember(researchKey, known);
        }

        /** The patient: a Patient's first identifier its rule pseudonymizes as the patient's; else the record key. */
        private void findPatient() {
            if (resource instanceof Patient patient) {
                for (Identifier identifier : patient.getIdentifier()) {
                    DeidRule rule = rule("Patient.identifier", "Patient", "identifier", "Identifier");
                    DeidRule resolved = rule == null ? null : rule.resolve(by -> select(by, identifier));
                    if (resolved != null && resolved.action() == DeidAction.PSEUDONYMIZE
                            && DeidRule.PATIENT_NAMESPACE.equals(resolved.namespaceOrPatient())
                            && identifier.hasValue()) {
                        patientId = identifier.getValue();
                        patientIssuer = identifier.getSystem();
                        return;
                    }
                }
            }
            if (recordKey != null && recordKey.contains("|")) {
                int bar = recordKey.indexOf('|');
                patientId = recordKey.substring(bar + 1);
                patientIssuer = recordKey.substring(0, bar);
            } else if (recordKey != null && !recordKey.isBlank()) {
                // a logical reference: consistent for this patient's FHIR records, not linked to the MRN
                patientId = recordKey;
                patientIssuer = "fhir-reference";
            }
        }

        /** Patient/<pseudonym> for every record of one patient, so the research topic keeps their order. */
        private String researchKey(String originalId) {
            if (type.equals("Patient") && originalId != null) {
                return "Patient/" + idPseudonym("Patient/" + originalId);
            }
            if (recordKey != null && recordKey.startsWith("Patient/")) {
                return "Patient/" + idPseudonym(recordKey);
            }
            if (patientId != null) {
                return pseudonymize(DeidRule.PATIENT_NAMESPACE, patientId, patientIssuer);
            }
            return originalId == null ? null : type + "/" + idPseudonym(type + "/" + originalId);
        }

        private void element(IBase element, BaseRuntimeElementDefinition<?> definition, String path,
                String typeName, DeidAction inherited) {
            if (element instanceof Element e) {
                extensions(e.getExtension(), path);
            }
            if (element instanceof org.hl7.fhir.r4.model.DomainResource d) {
                extensions(d.getExtension(), path);
                extensions(d.getModifierExtension(), path);
            } else if (element instanceof org.hl7.fhir.r4.model.BackboneElement b) {
                extensions(b.getModifierExtension(), path);
            } else if (element instanceof org.hl7.fhir.r4.model.BackboneType b) {
                extensions(b.getModifierExtension(), path);
            }
            if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                return;
            }
            for (BaseRuntimeChildDefinition child : composite.getChildren()) {
                String elementName = child.getElementName();
                if (elementName.equals("extension") || elementName.equals("modifierExtension")) {
                    continue;
                }
                List<IBase> values = new ArrayList<>(child.getAccessor().getValues(element));
                for (IBase value : values) {
                    String name = child.getChildNameByDatatype(value.getClass());
                    if (name == null) {
                        name = elementName;
                    }
                    BaseRuntimeElementDefinition<?> childDef = child.getChildByName(name);
                    if (childDef == null) {
                        childDef = FHIR.getElementDefinition(value.getClass());
                    }
                    String childType = childDef != null && (childDef.getChildType()
                            == BaseRuntimeElementDefinition.ChildTypeEnum.COMPOSITE_DATATYPE
                            || childDef.getChildType() == BaseRuntimeElementDefinition.ChildTypeEnum.PRIMITIVE_DATATYPE)
                            ? childDef.getName() : null;
                    String childPath = path + "." + name;
                    DeidRule rule = rule(childPath, typeName == null && path.equals(type) ? "Resource" : typeName,
                            name, childType);
                    DeidAction action = inherited;
                    if (rule != null) {
                        DeidRule resolved = rule.resolve(by -> select(by, value));
                        action = effective(resolved.action());
                        if (action == DeidAction.PSEUDONYMIZE) {
                            pseudonymizeElement(value, childDef, childPath, childType, resolved);
                            continue;
                        }
                    }
                    apply(value, childDef, childPath, childType, action, rule != null ? rule.path() : childPath,
                            rule != null && rule.path().equals(childType));
                }
            }
        }

        private void apply(IBase value, BaseRuntimeElementDefinition<?> def, String path, String typeName,
                DeidAction action, String rulePath, boolean byTypeRule) {
            if (value instanceof Narrative narrative) {
                if (action == DeidAction.SCRUB_TEXT) {
                    changes.count(rulePath, action);
                    deferredNarratives.add(narrative);
                } else if (action == DeidAction.REMOVE || action == DeidAction.BLANK) {
                    changes.count(rulePath, action);
                    clear(narrative);
                }
                return;
            }
            if (value instanceof PrimitiveType<?> primitive) {
                primitive(primitive, action, rulePath);
                return;
            }
            if (value instanceof Resource contained && (action == DeidAction.REMOVE || action == DeidAction.BLANK)) {
                collect(contained);
                if (resource instanceof org.hl7.fhir.r4.model.DomainResource d) {
                    d.getContained().remove(contained);
                }
                changes.count(rulePath, action);
                return;
            }
            if ((action == DeidAction.REMOVE || action == DeidAction.BLANK)
                    && !hasChildRules(byTypeRule ? typeName : null, path)) {
                collect(value);
                clear(value);
                changes.count(rulePath, action);
                return;
            }
            element(value, def, path, typeName, action);
        }

        private boolean hasChildRules(String typeName, String path) {
            String typePrefix = typeName == null ? null : typeName + ".";
            String pathPrefix = path + ".";
            for (String key : profile.fhirRules().keySet()) {
                if ((typePrefix != null && key.startsWith(typePrefix)) || key.startsWith(pathPrefix)) {
                    return true;
                }
            }
            return false;
        }

        private void primitive(PrimitiveType<?> primitive, DeidAction action, String rulePath) {
            if (primitive.isEmpty() || action == DeidAction.KEEP) {
                return;
            }
            String value = primitive.getValueAsString();
            if (value == null) {
                return;
            }
            switch (action) {
                case REMOVE, BLANK -> {
                    known.add(value);
                    primitive.setValueAsString(null);
                    primitive.getExtension().clear();
                    if (action == DeidAction.BLANK) {
                        primitive.addExtension(DATA_ABSENT, new CodeType("masked"));
                    }
                }
                case GENERALIZE_DATE -> {
                    if (primitive instanceof InstantType) {
                        // an instant has no year-only form: it goes
                        primitive.setValueAsString(null);
                    } else if (primitive instanceof BaseDateTimeType) {
                        setOrRemove(primitive, org.clinicaldatahub.hub.deid.internal.DateValues.year(value));
                    } else {
                        return;
                    }
                }
                case SHIFT_DATE -> {
                    if (!(primitive instanceof BaseDateTimeType)) {
                        return;
                    }
                    setOrRemove(primitive, org.clinicaldatahub.hub.deid.internal.DateValues.shiftFhir(value, shiftDays()));
                }
                case AGE_CAP -> {
                    if (primitive instanceof BaseDateTimeType) {
                        known.addDate(value);
                        String v = profile.dateShift()
                                ? org.clinicaldatahub.hub.deid.internal.DateValues.shiftFhir(value, shiftDays()) : value;
                        String year = org.clinicaldatahub.hub.deid.internal.DateValues.year(v);
                        String capped = org.clinicaldatahub.hub.deid.internal.DateValues.capBirthYear(year, referenceYear,
                                profile.ageCap());
                        setOrRemove(primitive, profile.dateShift() && capped.equals(year) ? v : capped);
                    } else if (primitive instanceof DecimalType || primitive instanceof IntegerType) {
                        setOrRemove(primitive, org.clinicaldatahub.hub.deid.internal.DateValues.capAge(value,
                                profile.ageCap()));
                    } else {
                        return;
                    }
                }
                case ZIP3 -> {
                    known.add(value);
                    setOrRemove(primitive, org.clinicaldatahub.hub.deid.internal.DateValues.zip3(value,
                            profile.restrictedZip3()));
                }
                case SCRUB_TEXT -> {
                    if (!(primitive instanceof StringType)) {
                        return; // codes, uris, numbers are not free text
                    }
                    deferredText.add(primitive);
                }
                default -> {
                    return;
                }
            }
            changes.count(rulePath, action);
        }

        private void setOrRemove(PrimitiveType<?> primitive, String value) {
            try {
                primitive.setValueAsString(value == null || value.isEmpty() ? null : value);
            } catch (RuntimeException e) {
                primitive.setValueAsString(null);
            }
        }

        private void pseudonymizeElement(IBase value, BaseRuntimeElementDefinition<?> def, String path,
                String typeName, DeidRule rule) {
            String namespace = rule.namespaceOrPatient();
            if (value instanceof Identifier identifier) {
                if (identifier.hasValue()) {
                    known.addIdentifier(identifier.getValue());
                    String pseudonym = DeidRule.PATIENT_NAMESPACE.equals(namespace)
                            ? pseudonymize(namespace, identifier.getValue(), identifier.getSystem())
                            : pseudonymize(namespace, (identifier.hasSystem() ? identifier.getSystem() : "") + "|"
                                    + identifier.getValue(), null);
                    identifier.setValue(pseudonym);
                    changes.count(rule.path(), DeidAction.PSEUDONYMIZE);
                }
                // the identifier's other elements (type, system, period, assigner) follow their own rules
                element(identifier, def, path, "Identifier", DeidAction.KEEP);
                return;
            }
            if (path.endsWith(".id") && value instanceof PrimitiveType<?> id && path.equals(type + ".id")) {
                if (!id.isEmpty()) {
                    String pseudonym = idPseudonym(type + "/" + id.getValueAsString());
                    resource.setId(pseudonym);
                    changes.count(rule.path(), DeidAction.PSEUDONYMIZE);
                }
                return;
            }
            if (value instanceof PrimitiveType<?> primitive && path.endsWith(".reference")) {
                String reference = primitive.getValueAsString();
                if (reference != null) {
                    primitive.setValueAsString(pseudonymousReference(reference));
                    changes.count(rule.path(), DeidAction.PSEUDONYMIZE);
                }
                return;
            }
            if (value instanceof PrimitiveType<?> primitive && !primitive.isEmpty()) {
                known.add(primitive.getValueAsString());
                primitive.setValueAsString(pseudonymize(namespace, primitive.getValueAsString(), null));
                changes.count(rule.path(), DeidAction.PSEUDONYMIZE);
                return;
            }
            // a composite other than Identifier has nothing to stand for it: removed
            collect(value);
            clear(value);
            changes.count(rule.path(), DeidAction.REMOVE);
        }

        /** Type/id becomes Type/pseudonym (absolute URLs lose their base); urn:uuid gets a name-based UUID. */
        private String pseudonymousReference(String reference) {
            if (reference.startsWith("#")) {
                return reference;
            }
            if (reference.startsWith("urn:uuid:")) {
                return "urn:uuid:" + UUID.nameUUIDFromBytes(idPseudonym(reference).getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            String[] parts = reference.split("/");
            int n = parts.length;
            int historyAt = n >= 4 && parts[n - 2].equals("_history") ? n - 4 : n - 2;
            if (historyAt >= 0 && FHIR.getResourceTypes().contains(parts[historyAt])) {
                String relative = parts[historyAt] + "/" + parts[historyAt + 1];
                return parts[historyAt] + "/" + idPseudonym(relative);
            }
            return null;
        }

        private String idPseudonym(String typeAndId) {
            String p = pseudonymize("fhir-id", typeAndId, null);
            return p.replaceAll("[^A-Za-z0-9\\-.]", "-");
        }

        private void extensions(List<Extension> extensions, String path) {
            if (extensions.isEmpty()) {
                return;
            }
            for (Extension extension : new ArrayList<>(extensions)) {
                String url = extension.getUrl();
                DeidRule rule = profile.fhirRules().get("Extension[" + url + "]");
                if (rule == null) {
                    switch (profile.unknownExtensions()) {
                        case KEEP -> element(extension, FHIR.getElementDefinition(Extension.class), path + ".extension",
                                "Extension", DeidAction.KEEP);
                        case REJECT -> throw new DeidRejection("DEID_UNKNOWN_EXTENSION", "an extension on " + path
                                + " is not covered by profile " + profile.reference());
                        default -> {
                            collect(extension);
                            extensions.remove(extension);
                            changes.removed(path + ".extension removed");
                        }
                    }
                    continue;
                }
                DeidAction action = effective(rule.resolve(by -> null).action());
                if (action == DeidAction.KEEP) {
                    continue;
                }
                if (action == DeidAction.REMOVE || action == DeidAction.BLANK) {
                    collect(extension);
                    extensions.remove(extension);
                    changes.count(rule.path(), action);
                } else if (extension.getValue() instanceof PrimitiveType<?> primitive) {
                    primitive(primitive, action, rule.path());
                }
            }
        }

        /** The most specific rule: resource path, then Resource.x, then datatype element, then datatype. */
        private DeidRule rule(String path, String parentType, String name, String typeName) {
            Map<String, DeidRule> rules = profile.fhirRules();
            DeidRule rule = rules.get(path);
            if (rule == null && parentType != null) {
                rule = rules.get(parentType + "." + name);
            }
            if (rule == null && typeName != null) {
                rule = rules.get(typeName);
            }
            return rule;
        }

        private String select(String by, IBase value) {
            return switch (by) {
                case "type" -> value instanceof Identifier i && i.hasType() ? i.getType().getCodingFirstRep().getCode() : "";
                case "system" -> value instanceof Identifier i ? i.getSystem()
                        : value instanceof ContactPoint c && c.hasSystem() ? c.getSystem().toCode() : "";
                case "use" -> value instanceof Identifier i && i.hasUse() ? i.getUse().toCode()
                        : value instanceof ContactPoint c && c.hasUse() ? c.getUse().toCode() : "";
                case "code" -> value instanceof Quantity q ? q.getCode() : "";
                default -> "";
            };
        }

        private DeidAction effective(DeidAction action) {
            return action == DeidAction.GENERALIZE_DATE && profile.dateShift() ? DeidAction.SHIFT_DATE : action;
        }

        private int shiftDays() {
            if (shiftDays == null) {
                if (patientId == null) {
                    throw new DeidRejection("DEID_NO_PATIENT_KEY", "dates are shifted per patient, and the record names no patient");
                }
                try {
                    shiftDays = pseudonymizer.dateShiftDays(patientId, patientIssuer);
                } catch (RuntimeException e) {
                    throw new DeidRejection("DEID_KEY_UNAVAILABLE", "the pseudonym key is not available");
                }
            }
            return shiftDays;
        }

        private String pseudonymize(String namespace, String value, String issuer) {
            try {
                String p = DeidRule.PATIENT_NAMESPACE.equals(namespace) ? pseudonymizer.patient(value, issuer)
                        : pseudonymizer.pseudonym(namespace, value);
                if (p == null) {
                    throw new DeidRejection("DEID_NO_PATIENT_KEY", "an identifier to pseudonymize is blank");
                }
                return p;
            } catch (DeidRejection e) {
                throw e;
            } catch (RuntimeException e) {
                throw new DeidRejection("DEID_KEY_UNAVAILABLE", "the pseudonym key is not available");
            }
        }

        /** Every string under a removed element is a known identifier of this patient, for the text scrub. */
        private void collect(IBase value) {
            if (value instanceof PrimitiveType<?> p) {
                // codes, URIs and booleans are vocabulary (phone, home, MR), not identifiers
                boolean vocabulary = p instanceof org.hl7.fhir.r4.model.Enumeration<?> || p instanceof CodeType
                        || p instanceof org.hl7.fhir.r4.model.UriType || p instanceof org.hl7.fhir.r4.model.BooleanType;
                if (!vocabulary && p.getValueAsString() != null) {
                    if (p instanceof BaseDateTimeType) {
                        known.addDate(p.getValueAsString());
                    } else {
                        known.add(p.getValueAsString());
                    }
                }
                return;
            }
            if (value instanceof org.hl7.fhir.r4.model.Base base) {
                base.children().forEach(property -> property.getValues().forEach(this::collect));
            }
        }

        /** Empties an element; HAPI's encoder leaves empty elements out. */
        private void clear(IBase value) {
            if (value instanceof PrimitiveType<?> p) {
                p.setValueAsString(null);
                p.getExtension().clear();
                return;
            }
            if (value instanceof org.hl7.fhir.r4.model.Base base) {
                for (org.hl7.fhir.r4.model.Property property : base.children()) {
                    for (org.hl7.fhir.r4.model.Base child : property.getValues()) {
                        clear(child);
                    }
                }
                if (value instanceof Element e) {
                    e.getExtension().clear();
                    e.setId(null);
                }
            }
        }
    }
}
