package org.clinicaldatahub.hub.dicom.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the hub accepts on its DICOM port (PS3.8 7.1.1, PS3.7 D.3.3): the called AE title, the
 * calling AEs allowed (with source addresses), the abstract syntaxes (storage SOP classes plus
 * Verification) with their transfer syntaxes, the maximum PDU length and the timers.
 *
 * @param aeTitle                   the hub's AE title; a request calling another is rejected
 * @param allowedCallers            allow-list; empty rejects every caller
 * @param storageSopClasses         storage SOP classes accepted
 * @param transferSyntaxes          transfer syntaxes accepted for storage, in preference order
 * @param maxPduLength              largest P-DATA-TF PDU the hub receives (announced in the A-ASSOCIATE-AC)
 * @param implementationClassUid    the hub's implementation class UID
 * @param implementationVersionName the hub's implementation version name (at most 16 characters)
 * @param artimMillis               ARTIM timer: wait for the A-ASSOCIATE-RQ, and for the peer to close after release/reject
 * @param idleMillis                an established association with no PDU for this long is aborted
 * @param maxAssociations           concurrent associations; more are rejected (transient, local limit exceeded)
 */
public record AcceptorPolicy(String aeTitle, List<CallerRule> allowedCallers, Set<String> storageSopClasses,
        List<String> transferSyntaxes, long maxPduLength, String implementationClassUid,
        String implementationVersionName, int artimMillis, int idleMillis, int maxAssociations) {

    /** Transfer syntaxes without a data set to store: Verification accepts the uncompressed ones. */
    private static final List<String> VERIFICATION_SYNTAXES = List.of("1.2.840.10008.1.2.1", "1.2.840.10008.1.2",
            "1.2.840.10008.1.2.2");

    public AcceptorPolicy {
        allowedCallers = List.copyOf(allowedCallers);
        storageSopClasses = Set.copyOf(storageSopClasses);
        transferSyntaxes = List.copyOf(new LinkedHashSet<>(transferSyntaxes));
    }

    /** The A-ASSOCIATE-RJ for this request, or null to accept it. */
    public Rejection check(AssociateRequest rq, InetAddress remote) {
        if ((rq.protocolVersion() & 1) == 0) {
            return new Rejection(Pdus.RJ_PERMANENT, Pdus.RJ_SOURCE_ACSE, Pdus.RJ_PROTOCOL_VERSION_NOT_SUPPORTED,
                    "DICOM_PROTOCOL_VERSION_NOT_SUPPORTED");
        }
        if (!AssociateRequest.DICOM_APPLICATION_CONTEXT.equals(rq.applicationContext())) {
            return new Rejection(Pdus.RJ_PERMANENT, Pdus.RJ_SOURCE_USER, Pdus.RJ_APPLICATION_CONTEXT_NOT_SUPPORTED,
                    "DICOM_APPLICATION_CONTEXT_NOT_SUPPORTED");
        }
        if (!aeTitle.equals(rq.calledAeTitle())) {
            return new Rejection(Pdus.RJ_PERMANENT, Pdus.RJ_SOURCE_USER, Pdus.RJ_CALLED_AE_NOT_RECOGNIZED,
                    "DICOM_CALLED_AE_NOT_RECOGNIZED");
        }
        if (allowedCallers.stream().noneMatch(rule -> rule.allows(rq.callingAeTitle(), remote))) {
            return new Rejection(Pdus.RJ_PERMANENT, Pdus.RJ_SOURCE_USER, Pdus.RJ_CALLING_AE_NOT_RECOGNIZED,
                    "DICOM_CALLING_AE_NOT_RECOGNIZED");
        }
        return null;
    }

    /**
     * Answers each proposed presentation context (PS3.8 9.3.3.2): abstract syntax not supported
     * (3), transfer syntaxes not supported (4), user rejection (1) when role selection leaves the
     * requestor no SCU role, else acceptance with the first proposed transfer syntax the hub takes.
     */
    public List<PresentationContext> negotiate(AssociateRequest rq) {
        Map<String, RoleSelection> roles = new HashMap<>();
        rq.userInformation().roleSelections().forEach(r -> roles.put(r.sopClassUid(), r));
        List<PresentationContext> answers = new ArrayList<>();
        for (PresentationContext pc : rq.presentationContexts()) {
            String abstractSyntax = pc.abstractSyntax();
            boolean verification = DimseCommand.VERIFICATION_SOP_CLASS.equals(abstractSyntax);
            String fallback = pc.transferSyntaxes().get(0);
            if (!verification && !storageSopClasses.contains(abstractSyntax)) {
                answers.add(PresentationContext.answer(pc.id(), PresentationContext.ABSTRACT_SYNTAX_NOT_SUPPORTED, fallback));
                continue;
            }
            RoleSelection role = roles.get(abstractSyntax);
            if (role != null && !role.scu()) {
                answers.add(PresentationContext.answer(pc.id(), PresentationContext.USER_REJECTION, fallback));
                continue;
            }
            List<String> acceptable = verification ? VERIFICATION_SYNTAXES : transferSyntaxes;
            String chosen = pc.transferSyntaxes().stream().filter(acceptable::contains).findFirst().orElse(null);
            answers.add(chosen == null
                    ? PresentationContext.answer(pc.id(), PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED, fallback)
                    : PresentationContext.answer(pc.id(), PresentationContext.ACCEPTANCE, chosen));
        }
        return answers;
    }

    /**
     * Role selection answers (PS3.7 D.3.3.4): the hub is SCP only, so the requestor keeps the SCU
     * role it proposed and never gets the SCP role.
     */
    public List<RoleSelection> answerRoles(AssociateRequest rq) {
        List<RoleSelection> answers = new ArrayList<>();
        for (RoleSelection proposed : rq.userInformation().roleSelections()) {
            answers.add(new RoleSelection(proposed.sopClassUid(), proposed.scu(), false));
        }
        return answers;
    }

    /**
     * An A-ASSOCIATE-RJ: result, source and reason fields (PS3.8 9.3.4) and the audit reason code.
     */
    public record Rejection(int result, int source, int reason, String reasonCode) {
    }
}
