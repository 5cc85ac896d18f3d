package org.clinicaldatahub.hub.deid.dicom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.dicom.data.DicomReader;
import org.clinicaldatahub.hub.dicom.data.DicomWriter;
import org.clinicaldatahub.hub.dicom.data.Tag;
import org.clinicaldatahub.hub.dicom.data.Vr;

/**
 * The second pass: copies one data set from reader to writer applying, to every attribute at
 * every depth, the action Table E.1-1 and the profile's options give it (PS3.15 E.3): remove
 * (X), empty (Z), dummy (D), keep (K), clean (C), new UID (U). Sequences that are kept, cleaned
 * or get a dummy keep their items, and the items are de-identified by the same rules; removed
 * ones are skipped unread. Private attributes go unless Retain Safe Private names them. An
 * overlay group goes whole when its Overlay Data goes (the group is invalid without it); curve
 * groups go as Table E.1-1 says. Group lengths are dropped (lengths change). At the top level
 * the attributes that record the de-identification (0012,0062-0064), (0028,0303) are inserted in
 * tag order. Pixel data streams through.
 */
final class InstanceRewrite {

    static final int PATIENT_IDENTITY_REMOVED = 0x00120062;
    static final int DEIDENTIFICATION_METHOD = 0x00120063;
    static final int DEIDENTIFICATION_METHOD_CODE_SEQUENCE = 0x00120064;
    static final int LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED = 0x00280303;
    private static final int CODE_VALUE = 0x00080100;
    private static final int CODING_SCHEME_DESIGNATOR = 0x00080102;
    private static final int CODE_MEANING = 0x00080104;
    private static final int OVERLAY_DATA = 0x60003000;
    private static final String DICOM_UID_ROOT = "1.2.840.10008.";

    /** Private creators seen in one item (or the top level): block (group << 8 | xx) -> creator. */
    private static final class Item {
        final Map<Integer, String> creators = new HashMap<>();
    }

    private final DicomDeidProfile profile;
    private final Pseudonymizer pseudonymizer;
    private final InstanceSurvey survey;
    private final String patientPseudonym;
    private final int dateShiftDays;
    private final TextCleaner cleaner;
    private final boolean removeOverlays;
    private final Map<Action, Integer> counts = new EnumMap<>(Action.class);
    private final Map<String, String> uids = new HashMap<>();
    private final Deque<Item> items = new ArrayDeque<>();

    private DicomReader reader;
    private DicomWriter writer;
    private int nextInsert;
    private int[] inserts;

    InstanceRewrite(DicomDeidProfile profile, Pseudonymizer pseudonymizer, InstanceSurvey survey,
            String patientPseudonym, int dateShiftDays) {
        this.profile = profile;
        this.pseudonymizer = pseudonymizer;
        this.survey = survey;
        this.patientPseudonym = patientPseudonym;
        this.dateShiftDays = dateShiftDays;
        this.cleaner = new TextCleaner(survey.identifiers(), profile.cleanedTextMarker());
        ConfidentialityProfileTable.Row overlay = profile.table().rowFor(OVERLAY_DATA);
        this.removeOverlays = overlay != null
                && profile.actionFor(overlay, survey.sopClassUid(), OVERLAY_DATA) != Action.K;
    }

    void run(DicomReader source, DicomWriter target) throws IOException {
        this.reader = source;
        this.writer = target;
        this.inserts = new int[] {PATIENT_IDENTITY_REMOVED, DEIDENTIFICATION_METHOD,
            DEIDENTIFICATION_METHOD_CODE_SEQUENCE, LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED};
        items.push(new Item());
        int skipUntilDepth = -1;
        for (DicomReader.Event e = reader.next(); e != DicomReader.Event.END; e = reader.next()) {
            if (skipUntilDepth >= 0) {
                if (e == DicomReader.Event.SEQUENCE_END && reader.depth() == skipUntilDepth) {
                    skipUntilDepth = -1;
                }
                continue;
            }
            boolean topLevel = items.size() == 1 && (e == DicomReader.Event.ELEMENT
                    || e == DicomReader.Event.SEQUENCE_START || e == DicomReader.Event.FRAGMENTS_START);
            if (topLevel) {
                insertBefore(reader.tag());
                if (isInserted(reader.tag())) {
                    skipUntilDepth = skipWhole(e);
                    continue;
                }
            }
            switch (e) {
                case ELEMENT -> element(topLevel);
                case SEQUENCE_START -> {
                    if (!sequence(topLevel)) {
                        skipUntilDepth = reader.depth() - 1;
                    }
                }
                case ITEM_START -> {
                    items.push(new Item());
                    writer.startItem();
                }
                case ITEM_END -> {
                    items.pop();
                    writer.endItem();
                }
                case FRAGMENTS_START -> writer.startFragments(reader.tag(), reader.explicitVr() ? reader.vr() : Vr.OB);
                case FRAGMENT -> {
                    writer.startFragment(reader.length());
                    writer.writeValue(reader.valueStream(), reader.length());
                }
                case SEQUENCE_END -> writer.endSequence();
                default -> throw new IllegalStateException("unexpected event " + e);
            }
        }
        insertBefore(-1);
        writer.finish();
    }

    /** For an event to leave out whole: the depth at which skipping ends, or -1 for a plain element. */
    private int skipWhole(DicomReader.Event e) {
        return e == DicomReader.Event.ELEMENT ? -1 : reader.depth() - 1;
    }

    // --- elements -------------------------------------------------------------------------

    private void element(boolean topLevel) throws IOException {
        int tag = reader.tag();
        Vr vr = reader.vr();
        if (Tag.isGroupLength(tag)) {
            return;
        }
        if (Tag.isPrivate(tag)) {
            privateElement(tag);
            return;
        }
        if (topLevel && removeOverlays && isOverlay(tag)) {
            count(Action.X);
            return;
        }
        ConfidentialityProfileTable.Row row = profile.table().rowFor(tag);
        Action action = row == null ? profile.actionForUnlisted(tag) : profile.actionFor(row, survey.sopClassUid(), tag);
        if (row != null && row.mask() != -1 && action == Action.C) {
            // curve and overlay data are bitmaps and binary curves: nothing to clean them with
            action = Action.X;
        }
        if (row != null) {
            count(action);
        }
        if (tag == Tag.PATIENT_ID && action != Action.K && action != Action.X) {
            writer.writeElement(tag, vr, ascii(patientPseudonym == null ? "" : patientPseudonym));
            return;
        }
        switch (action) {
            case X -> {
            }
            case Z -> writer.writeHeader(tag, vr, 0);
            case D -> writer.writeElement(tag, vr, dummy(vr));
            case K -> copy(tag, vr);
            case C -> clean(tag, vr);
            case U -> {
                if (vr == Vr.UI) {
                    writer.writeElement(tag, vr, ascii(uids(reader.readString())));
                } else {
                    writer.writeElement(tag, vr, dummy(vr));
                }
            }
            default -> throw new IllegalStateException("unresolved action " + action);
        }
    }

    private void copy(int tag, Vr vr) throws IOException {
        writer.writeHeader(tag, vr, reader.length());
        writer.writeValue(reader.valueStream(), reader.length());
    }

    /** Clean (C): dates moved by the shift, text scrubbed, UIDs replaced; binary values cannot be cleaned and go. */
    private void clean(int tag, Vr vr) throws IOException {
        switch (vr) {
            case DA, DT -> {
                if (profile.longitudinal() == DicomDeidProfile.Longitudinal.FULL_DATES) {
                    copy(tag, vr);
                    return;
                }
                String value = reader.readString();
                String shifted = profile.longitudinal() == DicomDeidProfile.Longitudinal.MODIFIED_DATES
                        ? (vr == Vr.DA ? DateShift.shiftDate(value, dateShiftDays)
                                : DateShift.shiftDateTime(value, dateShiftDays))
                        : null;
                writer.writeElement(tag, vr, ascii(shifted == null ? "" : shifted));
            }
            case TM, AS, CS, DS, IS, US, SS, UL, SL, FL, FD, AT, SV, UV -> copy(tag, vr);
            case UI -> writer.writeElement(tag, vr, ascii(uids(reader.readString())));
            case PN, SH, LO, ST, LT, UT, UC, AE, UR -> {
                String cleaned = cleaner.clean(reader.readString());
                writer.writeElement(tag, vr, TextCodec.encode(cleaned, vr, reader.characterSet()));
            }
            default -> {
                // OB, OW, OF, OD, OL, OV, UN: opaque bytes
            }
        }
    }

    private byte[] dummy(Vr vr) throws IOException {
        return switch (vr) {
            case UI -> ascii(uids(reader.readString()));
            case US, SS -> new byte[2];
            case UL, SL, FL, AT -> new byte[4];
            case FD, SV, UV -> new byte[8];
            case OB, OW, OF, OD, OL, OV, UN -> new byte[2];
            default -> TextCodec.encode(profile.dummyValue(vr), vr, reader.characterSet());
        };
    }

    // --- sequences ------------------------------------------------------------------------

    /** Handles a sequence start; false when it is left out (the caller skips its content). */
    private boolean sequence(boolean topLevel) throws IOException {
        int tag = reader.tag();
        Vr vr = reader.vr();
        if (Tag.isPrivate(tag)) {
            if (!profile.has(DeidOption.RETAIN_SAFE_PRIVATE) || !safePrivate(tag)) {
                count(Action.X);
                return false;
            }
            writer.startSequence(tag, vr);
            return true;
        }
        if (topLevel && removeOverlays && isOverlay(tag)) {
            return false;
        }
        ConfidentialityProfileTable.Row row = profile.table().rowFor(tag);
        Action action = row == null ? profile.actionForUnlisted(tag) : profile.actionFor(row, survey.sopClassUid(), tag);
        if (row != null) {
            count(action);
        }
        switch (action) {
            case X -> {
                return false;
            }
            case Z -> {
                writer.startSequence(tag, vr);
                writer.endSequence();
                return false;
            }
            default -> {
                // K, C, D and U keep the items; the rules apply inside them as at the top level
                writer.startSequence(tag, vr);
                return true;
            }
        }
    }

    // --- private attributes (PS3.15 E.3.10) ------------------------------------------------

    private void privateElement(int tag) throws IOException {
        if (!profile.has(DeidOption.RETAIN_SAFE_PRIVATE)) {
            count(Action.X);
            return;
        }
        int group = Tag.group(tag);
        if (Tag.isPrivateCreator(tag)) {
            String creator = reader.readString().trim();
            items.peek().creators.put(group << 8 | Tag.element(tag), creator);
            if (profile.isSafePrivateCreator(group, creator)) {
                count(Action.K);
                copy(tag, reader.vr());
            } else {
                count(Action.X);
            }
            return;
        }
        if (safePrivate(tag)) {
            count(Action.K);
            copy(tag, reader.vr());
        } else {
            count(Action.X);
        }
    }

    private boolean safePrivate(int tag) {
        int group = Tag.group(tag);
        int block = Tag.element(tag) >>> 8;
        if (block < 0x10) {
            return false;
        }
        String creator = items.peek().creators.get(group << 8 | block);
        return profile.isSafePrivate(group, creator, Tag.element(tag) & 0xFF);
    }

    // --- inserted attributes ----------------------------------------------------------------

    private static boolean isInserted(int tag) {
        return tag == PATIENT_IDENTITY_REMOVED || tag == DEIDENTIFICATION_METHOD
                || tag == DEIDENTIFICATION_METHOD_CODE_SEQUENCE || tag == LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED;
    }

    /**
     * Writes the inserted attributes whose tags come before {@code tag} or equal it (the caller
     * then leaves an original with that tag out); {@code -1}, the largest tag unsigned, writes all.
     */
    private void insertBefore(int tag) throws IOException {
        while (nextInsert < inserts.length && Integer.compareUnsigned(inserts[nextInsert], tag) <= 0) {
            writeInserted(inserts[nextInsert++]);
        }
    }

    private void writeInserted(int tag) throws IOException {
        switch (tag) {
            case PATIENT_IDENTITY_REMOVED -> writer.writeElement(tag, Vr.CS, ascii("YES"));
            case DEIDENTIFICATION_METHOD -> writer.writeElement(tag, Vr.LO, ascii(methodDescription()));
            case DEIDENTIFICATION_METHOD_CODE_SEQUENCE -> {
                writer.startSequence(tag, Vr.SQ);
                codeItem(DeidOption.BASIC_PROFILE_CODE, DeidOption.BASIC_PROFILE_MEANING);
                for (DeidOption option : profile.options()) {
                    codeItem(option.code(), option.meaning());
                }
                writer.endSequence();
            }
            case LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED -> writer.writeElement(tag, Vr.CS,
                    ascii(switch (profile.longitudinal()) {
                        case FULL_DATES -> "UNMODIFIED";
                        case MODIFIED_DATES -> "MODIFIED";
                        case OFF -> "REMOVED";
                    }));
            default -> throw new IllegalStateException("not an inserted attribute " + Tag.toString(tag));
        }
    }

    private void codeItem(String code, String meaning) throws IOException {
        writer.startItem();
        writer.writeElement(CODE_VALUE, Vr.SH, ascii(code));
        writer.writeElement(CODING_SCHEME_DESIGNATOR, Vr.SH, ascii("DCM"));
        writer.writeElement(CODE_MEANING, Vr.LO, ascii(meaning));
        writer.endItem();
    }

    /** (0012,0063), LO values of at most 64 characters: the profile, the table edition. */
    private String methodDescription() {
        String first = "PS3.15 E Basic Profile, Table E.1-1 " + profile.table().edition();
        String second = "Clinical Data Hub profile " + profile.name();
        return first + "\\" + (second.length() > 64 ? second.substring(0, 64) : second);
    }

    // --- helpers ----------------------------------------------------------------------------

    /**
     * The UID an instance, series or study gets in the output: new, or the original under Retain
     * UIDs (whose table column keeps exactly these).
     */
    String instanceUid(String original) {
        return profile.has(DeidOption.RETAIN_UIDS) ? original : uid(original);
    }

    /** A new UID per original, consistent across instances; DICOM's own UIDs (1.2.840.10008.) stay. */
    String uid(String original) {
        if (original == null || original.isBlank() || original.startsWith(DICOM_UID_ROOT)) {
            return original;
        }
        return uids.computeIfAbsent(original.trim(), pseudonymizer::uid);
    }

    private String uids(String value) {
        String[] values = value.split("\\\\", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\\');
            }
            String one = values[i].trim();
            out.append(one.isEmpty() ? "" : uid(one));
        }
        return out.toString();
    }

    private static boolean isOverlay(int tag) {
        int group = Tag.group(tag);
        return (group & 0xFF01) == 0x6000;
    }

    private void count(Action action) {
        counts.merge(action, 1, Integer::sum);
    }

    Map<Action, Integer> actionCounts() {
        return Map.copyOf(counts);
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
