package org.clinicaldatahub.hub.dicom.net;

import java.util.List;

/**
 * A presentation context (PS3.8 9.3.2.2 and 9.3.3.2): proposed with an abstract syntax and
 * transfer syntaxes, answered with a result and the one transfer syntax chosen.
 *
 * @param id               odd number 1-255
 * @param abstractSyntax   SOP class UID (proposal); null in an answer
 * @param transferSyntaxes proposed transfer syntaxes, or the single accepted one
 * @param result           {@link #ACCEPTANCE} or a rejection reason; -1 in a proposal
 */
public record PresentationContext(int id, String abstractSyntax, List<String> transferSyntaxes, int result) {

    public static final int ACCEPTANCE = 0;
    public static final int USER_REJECTION = 1;
    public static final int NO_REASON = 2;
    public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    public static PresentationContext proposal(int id, String abstractSyntax, List<String> transferSyntaxes) {
        return new PresentationContext(id, abstractSyntax, List.copyOf(transferSyntaxes), -1);
    }

    public static PresentationContext answer(int id, int result, String transferSyntax) {
        return new PresentationContext(id, null, List.of(transferSyntax), result);
    }

    public boolean accepted() {
        return result == ACCEPTANCE;
    }

    /** The transfer syntax of an accepted context. */
    public String transferSyntax() {
        return transferSyntaxes.get(0);
    }
}
