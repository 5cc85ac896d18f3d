package org.clinicaldatahub.hub.fhir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.util.FhirTerser;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.fhir.InboundRequest.Entry;
import org.clinicaldatahub.hub.fhir.InboundRequest.Kind;
import org.clinicaldatahub.hub.fhir.internal.BodyShape;
import org.clinicaldatahub.hub.fhir.internal.PatientKeys;
import org.clinicaldatahub.hub.fhir.internal.RefusingParserErrorHandler;
import org.clinicaldatahub.hub.storage.Sha256;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * First step of the inbound FHIR endpoint: checks the media type and the body's shape (size,
 * nesting, no DTD), parses with HAPI FHIR under R4 structure rules, checks what the request may
 * hold (a batch or transaction Bundle at the base, one resource of the path's type otherwise),
 * assigns server ids to created resources and resolves a transaction's {@code urn:uuid:}
 * references to them (FHIR R4 http.html#trules), and replaces the body with one Kafka record per
 * resource keyed by its patient reference. The bytes as received stay in
 * {@link FhirHeaders#RECEIVED_BYTES} for the quarantine.
 *
 * <p>A batch is checked as a whole like a transaction: one bad entry refuses the request, so the
 * sender never has to work out which half of a batch the hub kept.
 */
@Component("fhirReceiver")
public class FhirReceiver {

    private final FhirContext fhir;
    private final FhirTerser terser;
    private final FhirProperties.Inbound limits;
    private final Set<String> allowedTypes;
    private final boolean allTypesAllowed;

    public FhirReceiver(FhirProperties properties) {
        this.fhir = FhirContext.forR4Cached();
        this.terser = fhir.newTerser();
        this.limits = properties.getInbound();
        this.allowedTypes = new HashSet<>(limits.getAllowedResourceTypes());
        this.allTypesAllowed = allowedTypes.contains("*");
    }

    public void receive(Exchange exchange) {
        Message in = exchange.getMessage();
        in.setHeader(HubHeaders.CHANNEL, exchange.getFromRouteId());
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        exchange.setProperty(FhirHeaders.RECEIVED_BYTES, body);
        in.setBody(body);
        in.setHeader(HubHeaders.SHA256, Sha256.hexDigest(body));

        FhirFormat format = FhirFormat.ofContentType(in.getHeader(FhirHeaders.CONTENT_TYPE, String.class))
                .orElseThrow(() -> new FhirRejection("FHIR_UNSUPPORTED_MEDIA_TYPE", 415, "not-supported",
                        "Content-Type must be application/fhir+json or application/fhir+xml"));
        if (body.length > limits.getMaxBodyBytes()) {
            throw new FhirRejection("FHIR_BODY_TOO_LARGE", 413, "too-costly",
                    "Body exceeds the " + limits.getMaxBodyBytes() + " bytes this endpoint accepts");
        }
        if (body.length == 0) {
            throw new FhirRejection("FHIR_EMPTY_BODY", 400, "required", "The request has no body");
        }
        checkShape(format, body);
        IBaseResource parsed = parse(format, body);
        String method = in.getHeader(FhirHeaders.METHOD, "POST", String.class);
        InboundRequest request = accept(format, parsed, method, in.getHeader(FhirHeaders.PATH_TYPE, String.class),
                in.getHeader(FhirHeaders.PATH_ID, String.class));
        in.setHeader(HubHeaders.MESSAGE_TYPE, request.kind().name().toLowerCase(java.util.Locale.ROOT));
        exchange.setProperty(FhirHeaders.REQUEST, request);
        in.setBody(records(request, in));
    }

    private void checkShape(FhirFormat format, byte[] body) {
        var problem = format == FhirFormat.JSON ? BodyShape.checkJson(body, limits.getMaxNestingDepth())
                : BodyShape.checkXml(body, limits.getMaxNestingDepth());
        problem.ifPresent(p -> {
            throw switch (p) {
                case DOCTYPE -> new FhirRejection("FHIR_XML_DOCTYPE", 400, "security",
                        "XML document type declarations and entities are not allowed");
                case TOO_DEEP -> new FhirRejection("FHIR_TOO_DEEP", 400, "too-costly",
                        "Body is nested deeper than " + limits.getMaxNestingDepth() + " levels");
                case NOT_WELL_FORMED -> new FhirRejection("FHIR_UNPARSEABLE", 400, "structure",
                        "Body is not well-formed XML");
            };
        });
    }

    private IBaseResource parse(FhirFormat format, byte[] body) {
        IParser parser = format.newParser(fhir);
        parser.setParserErrorHandler(RefusingParserErrorHandler.INSTANCE);
        parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
        try {
            return parser.parseResource(new String(body, StandardCharsets.UTF_8));
        } catch (FhirRejection e) {
            throw e;
        } catch (DataFormatException e) {
            // HAPI's message can quote the body; only what kind of problem it was is kept.
            String message = String.valueOf(e.getMessage());
            if (message.contains("Unknown resource name") || message.contains("Unknown resource type")
                    || message.contains("HAPI-1684") || message.contains("HAPI-1815")) {
                throw new FhirRejection("FHIR_UNKNOWN_RESOURCE_TYPE", 400, "not-supported",
                        "The body's resourceType is not a FHIR R4 resource type");
            }
            throw new FhirRejection("FHIR_UNPARSEABLE", 400, "structure",
                    "Body is not valid FHIR " + (format == FhirFormat.JSON ? "JSON" : "XML"));
        } catch (RuntimeException e) {
            throw new FhirRejection("FHIR_UNPARSEABLE", 400, "structure",
                    "Body is not valid FHIR " + (format == FhirFormat.JSON ? "JSON" : "XML"));
        }
    }

    private InboundRequest accept(FhirFormat format, IBaseResource parsed, String method, String pathType,
            String pathId) {
        if (pathType == null || pathType.isBlank()) {
            if (!(parsed instanceof Bundle bundle) || !"POST".equals(method)) {
                throw new FhirRejection("FHIR_NOT_A_BATCH", 400, "invalid",
                        "Only a batch or transaction Bundle may be posted to the base URL");
            }
            return acceptBundle(format, bundle);
        }
        Resource resource = (Resource) parsed;
        if (!resource.fhirType().equals(pathType)) {
            throw new FhirRejection("FHIR_TYPE_MISMATCH", 400, "invalid",
                    "The body's resourceType does not match the URL");
        }
        checkAllowed(resource);
        boolean update = "PUT".equals(method);
        if (update) {
            if (!resource.hasIdElement() || !resource.getIdElement().getIdPart().equals(pathId)) {
                throw new FhirRejection("FHIR_ID_MISMATCH", 400, "invalid",
                        "An update must carry the id named in the URL");
            }
            resource.setId(pathId);
        } else {
            resource.setId(UUID.randomUUID().toString());
        }
        return new InboundRequest(update ? Kind.UPDATE : Kind.CREATE, format, List.of(entry(resource, !update)));
    }

    private InboundRequest acceptBundle(FhirFormat format, Bundle bundle) {
        Kind kind = switch (bundle.getType() == null ? Bundle.BundleType.NULL : bundle.getType()) {
            case BATCH -> Kind.BATCH;
            case TRANSACTION -> Kind.TRANSACTION;
            default -> throw new FhirRejection("FHIR_NOT_A_BATCH", 400, "invalid",
                    "Bundle.type must be batch or transaction");
        };
        if (bundle.getEntry().size() > limits.getMaxBundleEntries()) {
            throw new FhirRejection("FHIR_BUNDLE_TOO_LARGE", 413, "too-costly",
                    "Bundle has more than the " + limits.getMaxBundleEntries() + " entries this endpoint accepts");
        }
        Map<String, String> newIds = new HashMap<>();
        List<Resource> resources = new ArrayList<>();
        List<Boolean> created = new ArrayList<>();
        int index = 0;
        for (BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null) {
                throw entryProblem("FHIR_ENTRY_WITHOUT_RESOURCE", index, "has no resource");
            }
            if (resource instanceof Bundle) {
                throw entryProblem("FHIR_NESTED_BUNDLE", index, "holds a Bundle; nested Bundles are not accepted");
            }
            checkAllowed(resource);
            HTTPVerb verb = entry.getRequest().getMethod();
            String id;
            if (verb == HTTPVerb.POST) {
                id = UUID.randomUUID().toString();
            } else if (verb == HTTPVerb.PUT) {
                id = updateId(entry, resource, index);
            } else {
                throw entryProblem("FHIR_ENTRY_METHOD", index, "request.method must be POST or PUT");
            }
            if (entry.hasFullUrl()) {
                newIds.put(entry.getFullUrl(), resource.fhirType() + "/" + id);
            }
            resource.setId(id);
            resources.add(resource);
            created.add(verb == HTTPVerb.POST);
            index++;
        }
        List<Entry> entries = new ArrayList<>(resources.size());
        for (int i = 0; i < resources.size(); i++) {
            resolveReferences(resources.get(i), newIds);
            entries.add(entry(resources.get(i), created.get(i)));
        }
        return new InboundRequest(kind, format, entries);
    }

    private static String updateId(BundleEntryComponent entry, Resource resource, int index) {
        String url = entry.getRequest().getUrl();
        String[] parts = url == null ? new String[0] : url.split("/");
        if (parts.length != 2 || !parts[0].equals(resource.fhirType()) || !parts[1].matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw entryProblem("FHIR_ENTRY_URL", index, "request.url must be Type/id of the entry's resource");
        }
        return parts[1];
    }

    /** A transaction's references to {@code urn:uuid:} full URLs point to the ids the hub assigned. */
    private void resolveReferences(Resource resource, Map<String, String> newIds) {
        if (newIds.isEmpty()) {
            return;
        }
        for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            String target = newIds.get(reference.getReference());
            if (target != null) {
                reference.setReference(target);
            }
        }
    }

    private Entry entry(Resource resource, boolean created) {
        resource.getMeta().setLastUpdated(new java.util.Date());
        byte[] json = fhir.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
        return new Entry(resource, json, PatientKeys.of(terser, resource), created);
    }

    private void checkAllowed(Resource resource) {
        if (!allTypesAllowed && !allowedTypes.contains(resource.fhirType())) {
            throw new FhirRejection("FHIR_TYPE_NOT_ALLOWED", 422, "not-supported",
                    "Resource type " + resource.fhirType() + " is not accepted by this endpoint");
        }
    }

    private static FhirRejection entryProblem(String reason, int index, String what) {
        return new FhirRejection(reason, 400, "invalid", "Bundle.entry[" + index + "] " + what);
    }

    /** One Kafka record per resource: the resource JSON, keyed by its patient reference. */
    private static List<Message> records(InboundRequest request, Message in) {
        List<Message> records = new ArrayList<>(request.resourceCount());
        for (Entry entry : request.entries()) {
            DefaultMessage record = new DefaultMessage(in.getExchange());
            record.setBody(entry.json());
            record.setHeader(KafkaConstants.KEY, entry.patientKey());
            record.setHeader(HubHeaders.CHANNEL, in.getHeader(HubHeaders.CHANNEL));
            record.setHeader(HubHeaders.ACTOR, in.getHeader(HubHeaders.ACTOR));
            record.setHeader(HubHeaders.CHARSET, "UTF-8");
            record.setHeader(FhirHeaders.RESOURCE_TYPE, entry.resource().fhirType());
            record.setHeader(FhirHeaders.RESOURCE_ID, entry.resource().getIdElement().getIdPart());
            records.add(record);
        }
        return records;
    }
}
