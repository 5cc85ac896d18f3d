package org.clinicaldatahub.hub.deid.dicom;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.clinicaldatahub.hub.dicom.data.Vr;

/**
 * A DICOM de-identification profile as an analyst configures it in {@code mappings/deid/*.yaml}
 * (e.g. {@code dicom-basic.yaml}): the PS3.15 Annex E options chosen, the dummy values, the safe
 * private attributes and the burned-in text rule, with Table E.1-1 and the IOD attribute types
 * it names loaded beside it.
 */
public final class DicomDeidProfile {

    /** Retain Longitudinal Temporal Information (E.3.6): off, with full dates, or with modified (shifted) dates. */
    public enum Longitudinal {
        OFF, FULL_DATES, MODIFIED_DATES
    }

    record Options(boolean retainSafePrivate, boolean retainUIDs, boolean retainDeviceIdentity,
            boolean retainInstitutionIdentity, boolean retainPatientCharacteristics,
            String retainLongitudinalTemporalInformation, boolean cleanDescriptors, boolean cleanStructuredContent,
            boolean cleanGraphics) {
    }

    record SafePrivate(String creator, String tag) {
    }

    /**
     * @param quarantineWhenDeclared instances with Burned In Annotation YES go to review
     * @param modalities             modalities known to carry burned-in text
     * @param sopClasses             SOP classes known to carry burned-in text
     * @param trustDeclaredNo        release those kinds when they declare Burned In Annotation NO
     */
    public record BurnedInText(boolean quarantineWhenDeclared, List<String> modalities, List<String> sopClasses,
            boolean trustDeclaredNo) {
    }

    record File(String name, String actionTable, String iodAttributeTypes, Options options,
            Map<String, String> dummyValues, String cleanedTextMarker, List<SafePrivate> safePrivateAttributes,
            Map<String, String> localRules, BurnedInText burnedInText) {
    }

    /** A safe private element: (group, creator, element within the block). */
    record SafePrivateKey(int group, String creator, int elementInBlock) {
    }

    private final String name;
    private final Set<DeidOption> options;
    private final Longitudinal longitudinal;
    private final Map<Vr, String> dummyValues;
    private final String cleanedTextMarker;
    private final Set<SafePrivateKey> safePrivate;
    private final BurnedInText burnedInText;
    private final Map<Integer, Action> localRules;
    private final ConfidentialityProfileTable table;
    private final IodAttributeTypes iodTypes;

    private DicomDeidProfile(String name, Set<DeidOption> options, Longitudinal longitudinal,
            Map<Vr, String> dummyValues, String cleanedTextMarker, Set<SafePrivateKey> safePrivate,
            BurnedInText burnedInText, Map<Integer, Action> localRules, ConfidentialityProfileTable table,
            IodAttributeTypes iodTypes) {
        this.name = name;
        this.localRules = Map.copyOf(localRules);
        this.options = Collections.unmodifiableSet(options);
        this.longitudinal = longitudinal;
        this.dummyValues = Map.copyOf(dummyValues);
        this.cleanedTextMarker = cleanedTextMarker;
        this.safePrivate = Set.copyOf(safePrivate);
        this.burnedInText = burnedInText;
        this.table = table;
        this.iodTypes = iodTypes;
    }

    /** Loads a profile file; the files it names are resolved beside it. */
    public static DicomDeidProfile load(Path file) throws IOException {
        File data = ProfileYaml.read(file, File.class);
        Path dir = file.toAbsolutePath().getParent();
        ConfidentialityProfileTable table = ConfidentialityProfileTable.load(dir.resolve(data.actionTable()));
        IodAttributeTypes iodTypes = IodAttributeTypes.load(dir.resolve(data.iodAttributeTypes()));
        Options o = data.options();
        Set<DeidOption> options = EnumSet.noneOf(DeidOption.class);
        add(options, o.retainSafePrivate(), DeidOption.RETAIN_SAFE_PRIVATE);
        add(options, o.retainUIDs(), DeidOption.RETAIN_UIDS);
        add(options, o.retainDeviceIdentity(), DeidOption.RETAIN_DEVICE_IDENTITY);
        add(options, o.retainInstitutionIdentity(), DeidOption.RETAIN_INSTITUTION_IDENTITY);
        add(options, o.retainPatientCharacteristics(), DeidOption.RETAIN_PATIENT_CHARACTERISTICS);
        add(options, o.cleanDescriptors(), DeidOption.CLEAN_DESCRIPTORS);
        add(options, o.cleanStructuredContent(), DeidOption.CLEAN_STRUCTURED_CONTENT);
        add(options, o.cleanGraphics(), DeidOption.CLEAN_GRAPHICS);
        String temporal = o.retainLongitudinalTemporalInformation() == null ? "off"
                : o.retainLongitudinalTemporalInformation().trim();
        Longitudinal longitudinal = switch (temporal) {
            case "off", "false" -> Longitudinal.OFF;
            case "full-dates" -> Longitudinal.FULL_DATES;
            case "modified-dates" -> Longitudinal.MODIFIED_DATES;
            default -> throw new IllegalArgumentException(file + ": retainLongitudinalTemporalInformation is "
                    + temporal + "; use off, full-dates or modified-dates");
        };
        add(options, longitudinal == Longitudinal.FULL_DATES, DeidOption.RETAIN_LONGITUDINAL_FULL_DATES);
        add(options, longitudinal == Longitudinal.MODIFIED_DATES, DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES);
        Map<Vr, String> dummies = new HashMap<>();
        (data.dummyValues() == null ? Map.<String, String>of() : data.dummyValues())
                .forEach((vr, value) -> dummies.put(Vr.valueOf(vr), value));
        Set<SafePrivateKey> safe = new java.util.HashSet<>();
        for (SafePrivate entry : data.safePrivateAttributes() == null ? List.<SafePrivate>of()
                : data.safePrivateAttributes()) {
            String hex = entry.tag().replaceAll("[(),\\s]", "");
            if (hex.length() != 8 || !hex.substring(4, 6).equalsIgnoreCase("xx")) {
                throw new IllegalArgumentException(file + ": safe private tag " + entry.tag()
                        + " must be written (gggg,xxee)");
            }
            safe.add(new SafePrivateKey(Integer.parseInt(hex.substring(0, 4), 16), entry.creator().trim(),
                    Integer.parseInt(hex.substring(6), 16)));
        }
        BurnedInText burnedIn = data.burnedInText() == null ? new BurnedInText(true, List.of(), List.of(), false)
                : new BurnedInText(data.burnedInText().quarantineWhenDeclared(),
                        data.burnedInText().modalities() == null ? List.of() : data.burnedInText().modalities(),
                        data.burnedInText().sopClasses() == null ? List.of() : data.burnedInText().sopClasses(),
                        data.burnedInText().trustDeclaredNo());
        Map<Integer, Action> local = new HashMap<>();
        (data.localRules() == null ? Map.<String, String>of() : data.localRules()).forEach((tag, action) -> {
            int parsed = ProfileYaml.tag(tag);
            if (table.rowFor(parsed) != null) {
                throw new IllegalArgumentException(file + ": local rule for " + tag
                        + " overrides Table E.1-1; choose an option instead");
            }
            local.put(parsed, Action.valueOf(action.trim()));
        });
        return new DicomDeidProfile(data.name(), options, longitudinal, dummies,
                data.cleanedTextMarker() == null ? "***" : data.cleanedTextMarker(), safe, burnedIn, local, table,
                iodTypes);
    }

    private static void add(Set<DeidOption> options, boolean on, DeidOption option) {
        if (on) {
            options.add(option);
        }
    }

    /** The same profile with other options, e.g. for a test that checks every option. */
    public DicomDeidProfile withOptions(Set<DeidOption> chosen) {
        if (chosen.contains(DeidOption.RETAIN_LONGITUDINAL_FULL_DATES)
                && chosen.contains(DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
            throw new IllegalArgumentException("full dates and modified dates exclude each other");
        }
        Set<DeidOption> copy = chosen.isEmpty() ? EnumSet.noneOf(DeidOption.class) : EnumSet.copyOf(chosen);
        Longitudinal temporal = copy.contains(DeidOption.RETAIN_LONGITUDINAL_FULL_DATES) ? Longitudinal.FULL_DATES
                : copy.contains(DeidOption.RETAIN_LONGITUDINAL_MODIFIED_DATES) ? Longitudinal.MODIFIED_DATES
                : Longitudinal.OFF;
        return new DicomDeidProfile(name, copy, temporal, dummyValues, cleanedTextMarker, safePrivate, burnedInText,
                localRules, table, iodTypes);
    }

    /**
     * The action for a standard attribute's row in an instance of {@code sopClassUid}: an option
     * that has an entry for the row overrides the basic profile; when two chosen options have
     * entries, retaining (K) wins over cleaning (C), since the analyst asked to keep it.
     */
    public Action actionFor(ConfidentialityProfileTable.Row row, String sopClassUid, int tag) {
        String code = row.basic();
        String fromOption = null;
        for (DeidOption option : options) {
            String entry = row.options().get(option);
            if (entry != null && (fromOption == null || entry.equals("K"))) {
                fromOption = entry;
            }
        }
        return iodTypes.resolve(fromOption != null ? fromOption : code, sopClassUid, tag);
    }

    /**
     * The action for a standard attribute Table E.1-1 does not list: the profile's local rule, else
     * K (PS3.15 E.1.1: the table lists what the profile changes).
     */
    public Action actionForUnlisted(int tag) {
        return localRules.getOrDefault(tag, Action.K);
    }

    boolean isSafePrivate(int group, String creator, int elementInBlock) {
        return creator != null && safePrivate.contains(new SafePrivateKey(group, creator.trim(), elementInBlock));
    }

    boolean isSafePrivateCreator(int group, String creator) {
        if (creator == null) {
            return false;
        }
        String trimmed = creator.trim();
        return safePrivate.stream().anyMatch(k -> k.group() == group && k.creator().equals(trimmed));
    }

    public String name() {
        return name;
    }

    public Set<DeidOption> options() {
        return options;
    }

    public boolean has(DeidOption option) {
        return options.contains(option);
    }

    public Longitudinal longitudinal() {
        return longitudinal;
    }

    String dummyValue(Vr vr) {
        return dummyValues.getOrDefault(vr, "ANONYMIZED");
    }

    String cleanedTextMarker() {
        return cleanedTextMarker;
    }

    public BurnedInText burnedInText() {
        return burnedInText;
    }

    public ConfidentialityProfileTable table() {
        return table;
    }

    public IodAttributeTypes iodTypes() {
        return iodTypes;
    }

    /** Option column names, for provenance metadata and events (never PHI). */
    public List<String> optionNames() {
        List<String> names = new ArrayList<>();
        for (DeidOption option : options) {
            names.add(option.column());
        }
        return names;
    }
}
