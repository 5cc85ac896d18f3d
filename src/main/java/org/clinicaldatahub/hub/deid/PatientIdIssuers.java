package org.clinicaldatahub.hub.deid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The spellings of one patient-identifier namespace across channels: HL7 PID-3.4 says "HOSP",
 * FHIR Identifier.system says "urn:oid:1.2.3", DICOM Issuer of Patient ID says "HOSP_MRN", and
 * some senders name none. Mapping them to one canonical issuer is what makes a patient's
 * pseudonym the same everywhere. Unknown spellings are used as they are (upper-cased, trimmed).
 */
public final class PatientIdIssuers {

    private final String defaultIssuer;
    private final Map<String, String> canonicalByAlias;

    public PatientIdIssuers(String defaultIssuer, Map<String, List<String>> aliasesByCanonical) {
        this.defaultIssuer = normalize(defaultIssuer);
        Map<String, String> byAlias = new HashMap<>();
        aliasesByCanonical.forEach((canonical, aliases) -> {
            String name = normalize(canonical);
            byAlias.put(name, name);
            for (String alias : aliases == null ? List.<String>of() : aliases) {
                String previous = byAlias.put(normalize(alias), name);
                if (previous != null && !previous.equals(name)) {
                    throw new IllegalArgumentException("issuer alias '" + alias + "' is listed under both "
                            + previous + " and " + name);
                }
            }
        });
        this.canonicalByAlias = Map.copyOf(byAlias);
    }

    /** Every issuer is itself; a message without an issuer has none. */
    public static PatientIdIssuers none() {
        return new PatientIdIssuers("", Map.of());
    }

    /**
     * Reads {@code default-issuer} and {@code issuers: {CANONICAL: [alias, ...]}} from a YAML file.
     */
    @SuppressWarnings("unchecked")
    public static PatientIdIssuers load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            if (document == null) {
                return none();
            }
            if (!(document instanceof Map<?, ?> root)) {
                throw new IllegalArgumentException(file + ": expected default-issuer and issuers");
            }
            for (Object name : root.keySet()) {
                if (!"default-issuer".equals(name) && !"issuers".equals(name)) {
                    throw new IllegalArgumentException(file + ": unknown setting '" + name
                            + "' (expected default-issuer and issuers)");
                }
            }
            Object issuers = root.get("issuers");
            if (issuers != null && !(issuers instanceof Map)) {
                throw new IllegalArgumentException(file + ": issuers must map a canonical issuer to its aliases");
            }
            Map<String, List<String>> aliases = new HashMap<>();
            if (issuers != null) {
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) issuers).entrySet()) {
                    Object list = entry.getValue();
                    if (list != null && !(list instanceof List)) {
                        throw new IllegalArgumentException(file + ": aliases of " + entry.getKey() + " must be a list");
                    }
                    aliases.put(String.valueOf(entry.getKey()),
                            list == null ? List.of() : ((List<Object>) list).stream().map(String::valueOf).toList());
                }
            }
            Object defaultIssuer = root.get("default-issuer");
            return new PatientIdIssuers(defaultIssuer == null ? "" : String.valueOf(defaultIssuer), aliases);
        }
    }

    /** The canonical issuer of a spelling; the default issuer for none. */
    public String canonical(String issuer) {
        String name = normalize(issuer);
        if (name.isEmpty()) {
            return defaultIssuer;
        }
        return canonicalByAlias.getOrDefault(name, name);
    }

    private static String normalize(String issuer) {
        return issuer == null ? "" : issuer.trim().toUpperCase(Locale.ROOT);
    }
}
