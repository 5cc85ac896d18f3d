package org.clinicaldatahub.hub.deid;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a de-identification profile does to one field, component or element. The spelling in the
 * profile files is the {@link #wireName()}.
 */
public enum DeidAction {
    /** Dropped: the HL7 field or component becomes empty, the FHIR element disappears. */
    REMOVE("remove"),
    /** Replaced by an explicit null: HL7 {@code ""} ("deleted"), FHIR data-absent-reason {@code masked}. */
    BLANK("blank"),
    /** Replaced by the keyed pseudonym of the value (bean {@code pseudonymizer}). */
    PSEUDONYMIZE("pseudonymize"),
    /** A date keeps only its year (45 CFR 164.514(b)(2)(i)(C)). */
    GENERALIZE_DATE("generalize-date"),
    /** A date moves by the patient's date shift, keeping its precision. */
    SHIFT_DATE("shift-date"),
    /** A ZIP code keeps its first three digits, or becomes 000 for a restricted prefix (164.514(b)(2)(i)(B)). */
    ZIP3("zip3"),
    /** An age above the cap becomes cap + 1 ("90 or older"); a birth date keeps its year, folded likewise. */
    AGE_CAP("age-cap"),
    /** Free text: the patient's known identifiers and pattern-like identifiers become typed placeholders. */
    SCRUB_TEXT("scrub-text"),
    /** Left as it is. */
    KEEP("keep"),
    /** The message is refused (quarantined): only valid as the default for what the profile does not cover. */
    REJECT("reject");

    private final String wireName;

    DeidAction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<DeidAction> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
    }

    /** The actions a field rule may name, for error messages. */
    public static String fieldActionNames() {
        return Arrays.stream(values()).filter(a -> a != REJECT).map(DeidAction::wireName)
                .collect(Collectors.joining(", "));
    }

    /** Actions that take a value out of the record; what they take is a known identifier of the patient. */
    public boolean takesValueOut() {
        return this == REMOVE || this == BLANK || this == PSEUDONYMIZE;
    }
}
