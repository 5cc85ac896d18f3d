package org.clinicaldatahub.hub.dicom.net;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding and decoding of the PS3.8 Section 9.3 PDUs other than P-DATA-TF: A-ASSOCIATE-RQ/AC
 * with their items and sub-items (9.3.2, 9.3.3, Annex D), A-ASSOCIATE-RJ (9.3.4), A-RELEASE-RQ/RP
 * (9.3.6, 9.3.7) and A-ABORT (9.3.8). All multi-byte fields are big endian.
 */
public final class Pdus {

    public static final int A_ASSOCIATE_RQ = 0x01;
    public static final int A_ASSOCIATE_AC = 0x02;
    public static final int A_ASSOCIATE_RJ = 0x03;
    public static final int P_DATA_TF = 0x04;
    public static final int A_RELEASE_RQ = 0x05;
    public static final int A_RELEASE_RP = 0x06;
    public static final int A_ABORT = 0x07;

    /** A-ASSOCIATE-RJ result (9.3.4). */
    public static final int RJ_PERMANENT = 1;
    public static final int RJ_TRANSIENT = 2;
    /** A-ASSOCIATE-RJ source. */
    public static final int RJ_SOURCE_USER = 1;
    public static final int RJ_SOURCE_ACSE = 2;
    public static final int RJ_SOURCE_PRESENTATION = 3;
    /** Reasons with source service-user. */
    public static final int RJ_NO_REASON = 1;
    public static final int RJ_APPLICATION_CONTEXT_NOT_SUPPORTED = 2;
    public static final int RJ_CALLING_AE_NOT_RECOGNIZED = 3;
    public static final int RJ_CALLED_AE_NOT_RECOGNIZED = 7;
    /** Reason with source service-provider (ACSE). */
    public static final int RJ_PROTOCOL_VERSION_NOT_SUPPORTED = 2;
    /** Reasons with source service-provider (presentation). */
    public static final int RJ_TEMPORARY_CONGESTION = 1;
    public static final int RJ_LOCAL_LIMIT_EXCEEDED = 2;

    /** A-ABORT source (9.3.8). */
    public static final int ABORT_SOURCE_USER = 0;
    public static final int ABORT_SOURCE_PROVIDER = 2;
    /** A-ABORT reasons with source service-provider. */
    public static final int ABORT_NOT_SPECIFIED = 0;
    public static final int ABORT_UNRECOGNIZED_PDU = 1;
    public static final int ABORT_UNEXPECTED_PDU = 2;
    public static final int ABORT_UNRECOGNIZED_PARAMETER = 4;
    public static final int ABORT_UNEXPECTED_PARAMETER = 5;
    public static final int ABORT_INVALID_PARAMETER = 6;

    private static final int ITEM_APPLICATION_CONTEXT = 0x10;
    private static final int ITEM_PRESENTATION_CONTEXT_RQ = 0x20;
    private static final int ITEM_PRESENTATION_CONTEXT_AC = 0x21;
    private static final int SUB_ABSTRACT_SYNTAX = 0x30;
    private static final int SUB_TRANSFER_SYNTAX = 0x40;
    private static final int ITEM_USER_INFORMATION = 0x50;
    private static final int SUB_MAX_LENGTH = 0x51;
    private static final int SUB_IMPLEMENTATION_CLASS_UID = 0x52;
    private static final int SUB_ASYNC_OPS_WINDOW = 0x53;
    private static final int SUB_ROLE_SELECTION = 0x54;
    private static final int SUB_IMPLEMENTATION_VERSION_NAME = 0x55;

    private Pdus() {
    }

    // --- decoding ---------------------------------------------------------------------------

    /** Decodes the variable part (after the 6-byte PDU header) of an A-ASSOCIATE-RQ or -AC. */
    public static AssociateRequest decodeAssociate(byte[] body, boolean accept) throws PduException {
        if (body.length < 68) {
            throw invalid("A-ASSOCIATE PDU shorter than its fixed fields");
        }
        int version = u16(body, 0);
        String called = ae(body, 4);
        String calling = ae(body, 20);
        String applicationContext = null;
        List<PresentationContext> contexts = new ArrayList<>();
        UserInformation userInformation = null;
        int pos = 68;
        while (pos < body.length) {
            requireBytes(body, pos, 4);
            int type = body[pos] & 0xFF;
            int length = u16(body, pos + 2);
            int start = pos + 4;
            requireBytes(body, start, length);
            switch (type) {
                case ITEM_APPLICATION_CONTEXT -> applicationContext = uid(body, start, length);
                case ITEM_PRESENTATION_CONTEXT_RQ, ITEM_PRESENTATION_CONTEXT_AC -> {
                    if ((type == ITEM_PRESENTATION_CONTEXT_AC) != accept) {
                        throw new PduException(Pdus.ABORT_UNEXPECTED_PARAMETER, "DICOM_MALFORMED_PDU",
                                "presentation context item of type " + Integer.toHexString(type) + " in the wrong PDU");
                    }
                    contexts.add(presentationContext(body, start, length, accept));
                }
                case ITEM_USER_INFORMATION -> userInformation = userInformation(body, start, length);
                default -> {
                    // PS3.8 9.3.1: unknown items are ignored
                }
            }
            pos = start + length;
        }
        if (applicationContext == null) {
            throw invalid("A-ASSOCIATE PDU without application context item");
        }
        if (userInformation == null) {
            throw invalid("A-ASSOCIATE PDU without user information item");
        }
        return new AssociateRequest(version, called, calling, applicationContext, contexts, userInformation);
    }

    private static PresentationContext presentationContext(byte[] body, int start, int length, boolean accept)
            throws PduException {
        if (length < 4) {
            throw invalid("presentation context item too short");
        }
        int id = body[start] & 0xFF;
        int result = body[start + 2] & 0xFF;
        String abstractSyntax = null;
        List<String> transferSyntaxes = new ArrayList<>();
        int pos = start + 4;
        int end = start + length;
        while (pos < end) {
            requireBytes(body, pos, 4);
            int type = body[pos] & 0xFF;
            int subLength = u16(body, pos + 2);
            if (pos + 4 + subLength > end) {
                throw invalid("presentation context sub-item overruns its item");
            }
            String value = uid(body, pos + 4, subLength);
            if (type == SUB_ABSTRACT_SYNTAX) {
                abstractSyntax = value;
            } else if (type == SUB_TRANSFER_SYNTAX) {
                transferSyntaxes.add(value);
            }
            pos += 4 + subLength;
        }
        if (accept) {
            return PresentationContext.answer(id, result, transferSyntaxes.isEmpty() ? "" : transferSyntaxes.get(0));
        }
        if (abstractSyntax == null || transferSyntaxes.isEmpty()) {
            throw invalid("presentation context " + id + " without abstract or transfer syntax");
        }
        return PresentationContext.proposal(id, abstractSyntax, transferSyntaxes);
    }

    private static UserInformation userInformation(byte[] body, int start, int length) throws PduException {
        long maxLength = 0;
        String classUid = null;
        String versionName = null;
        int[] async = null;
        List<RoleSelection> roles = new ArrayList<>();
        int pos = start;
        int end = start + length;
        while (pos < end) {
            requireBytes(body, pos, 4);
            int type = body[pos] & 0xFF;
            int subLength = u16(body, pos + 2);
            int at = pos + 4;
            if (at + subLength > end) {
                throw invalid("user information sub-item overruns its item");
            }
            switch (type) {
                case SUB_MAX_LENGTH -> {
                    if (subLength != 4) {
                        throw invalid("maximum length sub-item is not 4 bytes");
                    }
                    maxLength = ((long) u16(body, at) << 16) | u16(body, at + 2);
                }
                case SUB_IMPLEMENTATION_CLASS_UID -> classUid = uid(body, at, subLength);
                case SUB_IMPLEMENTATION_VERSION_NAME -> versionName = uid(body, at, subLength);
                case SUB_ASYNC_OPS_WINDOW -> {
                    if (subLength != 4) {
                        throw invalid("asynchronous operations window sub-item is not 4 bytes");
                    }
                    async = new int[] {u16(body, at), u16(body, at + 2)};
                }
                case SUB_ROLE_SELECTION -> {
                    int uidLength = subLength >= 2 ? u16(body, at) : -1;
                    if (uidLength < 0 || uidLength + 4 != subLength) {
                        throw invalid("role selection sub-item with inconsistent lengths");
                    }
                    roles.add(new RoleSelection(uid(body, at + 2, uidLength), body[at + 2 + uidLength] == 1,
                            body[at + 3 + uidLength] == 1));
                }
                default -> {
                    // extended negotiation, user identity: not negotiated, so not answered (PS3.7 D.3.3)
                }
            }
            pos = at + subLength;
        }
        if (classUid == null) {
            throw invalid("user information without implementation class UID");
        }
        return new UserInformation(maxLength, classUid, versionName, async, roles);
    }

    // --- encoding ---------------------------------------------------------------------------

    /** Encodes an A-ASSOCIATE-RQ ({@code accept} false) or -AC PDU with header. */
    public static byte[] encodeAssociate(AssociateRequest pdu, boolean accept) {
        ByteArrayOutputStream items = new ByteArrayOutputStream(512);
        item(items, ITEM_APPLICATION_CONTEXT, ascii(pdu.applicationContext()));
        for (PresentationContext pc : pdu.presentationContexts()) {
            ByteArrayOutputStream sub = new ByteArrayOutputStream(128);
            sub.write(pc.id());
            sub.write(0);
            sub.write(accept ? pc.result() : 0);
            sub.write(0);
            if (!accept) {
                item(sub, SUB_ABSTRACT_SYNTAX, ascii(pc.abstractSyntax()));
            }
            for (String ts : pc.transferSyntaxes()) {
                item(sub, SUB_TRANSFER_SYNTAX, ascii(ts));
            }
            item(items, accept ? ITEM_PRESENTATION_CONTEXT_AC : ITEM_PRESENTATION_CONTEXT_RQ, sub.toByteArray());
        }
        item(items, ITEM_USER_INFORMATION, userInformation(pdu.userInformation()));
        byte[] variable = items.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(74 + variable.length);
        header(out, accept ? A_ASSOCIATE_AC : A_ASSOCIATE_RQ, 68 + variable.length);
        u16(out, pdu.protocolVersion());
        u16(out, 0);
        out.writeBytes(aeField(pdu.calledAeTitle()));
        out.writeBytes(aeField(pdu.callingAeTitle()));
        out.writeBytes(new byte[32]);
        out.writeBytes(variable);
        return out.toByteArray();
    }

    private static byte[] userInformation(UserInformation info) {
        ByteArrayOutputStream sub = new ByteArrayOutputStream(128);
        ByteArrayOutputStream max = new ByteArrayOutputStream(4);
        u32(max, info.maxPduLength());
        item(sub, SUB_MAX_LENGTH, max.toByteArray());
        item(sub, SUB_IMPLEMENTATION_CLASS_UID, ascii(info.implementationClassUid()));
        if (info.asyncOpsWindow() != null) {
            ByteArrayOutputStream async = new ByteArrayOutputStream(4);
            u16(async, info.asyncOpsWindow()[0]);
            u16(async, info.asyncOpsWindow()[1]);
            item(sub, SUB_ASYNC_OPS_WINDOW, async.toByteArray());
        }
        for (RoleSelection role : info.roleSelections()) {
            ByteArrayOutputStream value = new ByteArrayOutputStream(64);
            byte[] uid = ascii(role.sopClassUid());
            u16(value, uid.length);
            value.writeBytes(uid);
            value.write(role.scu() ? 1 : 0);
            value.write(role.scp() ? 1 : 0);
            item(sub, SUB_ROLE_SELECTION, value.toByteArray());
        }
        if (info.implementationVersionName() != null) {
            item(sub, SUB_IMPLEMENTATION_VERSION_NAME, ascii(info.implementationVersionName()));
        }
        return sub.toByteArray();
    }

    /** A-ASSOCIATE-RJ PDU (9.3.4). */
    public static byte[] encodeReject(int result, int source, int reason) {
        return new byte[] {A_ASSOCIATE_RJ, 0, 0, 0, 0, 4, 0, (byte) result, (byte) source, (byte) reason};
    }

    /** A-ABORT PDU (9.3.8). */
    public static byte[] encodeAbort(int source, int reason) {
        return new byte[] {A_ABORT, 0, 0, 0, 0, 4, 0, 0, (byte) source, (byte) reason};
    }

    /** A-RELEASE-RQ or -RP PDU (9.3.6, 9.3.7). */
    public static byte[] encodeRelease(int type) {
        return new byte[] {(byte) type, 0, 0, 0, 0, 4, 0, 0, 0, 0};
    }

    // --- helpers ----------------------------------------------------------------------------

    private static PduException invalid(String message) {
        return new PduException(ABORT_INVALID_PARAMETER, "DICOM_MALFORMED_PDU", message);
    }

    private static void requireBytes(byte[] body, int pos, int n) throws PduException {
        if (pos + n > body.length) {
            throw invalid("item overruns the PDU at offset " + pos);
        }
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static String ae(byte[] b, int at) {
        return new String(b, at, 16, StandardCharsets.US_ASCII).trim();
    }

    private static String uid(byte[] b, int at, int length) {
        String value = new String(b, at, length, StandardCharsets.US_ASCII);
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == '\0' || value.charAt(end - 1) == ' ')) {
            end--;
        }
        return value.substring(0, end);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] aeField(String ae) {
        byte[] field = new byte[16];
        java.util.Arrays.fill(field, (byte) ' ');
        byte[] value = ascii(ae);
        System.arraycopy(value, 0, field, 0, Math.min(16, value.length));
        return field;
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        u16(out, value.length);
        out.writeBytes(value);
    }

    static void header(ByteArrayOutputStream out, int type, long length) {
        out.write(type);
        out.write(0);
        u32(out, length);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void u32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }
}
