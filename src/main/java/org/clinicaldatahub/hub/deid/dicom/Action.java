package org.clinicaldatahub.hub.deid.dicom;

/**
 * The action codes of PS3.15 Table E.1-1a, after any combined code (X/Z, Z/D, X/D, X/Z/D,
 * X/Z/U*) has been resolved for the IOD at hand ({@link IodAttributeTypes}).
 */
public enum Action {
    /** Replace with a non-zero length dummy value consistent with the VR. */
    D,
    /** Replace with a zero length value (a sequence: no items). */
    Z,
    /** Remove. */
    X,
    /** Keep; a sequence is kept and its items are de-identified in turn. */
    K,
    /** Clean: replace with values of similar meaning known not to identify (dates shifted, text scrubbed). */
    C,
    /** Replace UIDs consistently; a sequence (U* of X/Z/U*) is kept and the UIDs inside it replaced. */
    U
}
