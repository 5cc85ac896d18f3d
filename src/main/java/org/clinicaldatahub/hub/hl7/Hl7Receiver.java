package org.clinicaldatahub.hub.hl7;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.HashSet;
import java.util.Set;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.parser.Parser;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.hl7.Hl7Rejection.AckCode;
import org.clinicaldatahub.hub.hl7.internal.Hl7Charsets;
import org.clinicaldatahub.hub.hl7.internal.MllpFrame;
import org.clinicaldatahub.hub.hl7.internal.MshHeader;
import org.clinicaldatahub.hub.hl7.internal.PlainEr7Shape;
import org.clinicaldatahub.hub.hl7.internal.PatientKey;
import org.clinicaldatahub.hub.storage.Sha256;
import org.springframework.stereotype.Component;

/**
 * First step of every HL7 v2 channel: reads MSH, decodes with the MSH-18 character set, accepts
 * what HAPI's parser accepts (every version HAPI knows; the generic model for unknown structures
 * and Z-segments; messages of the plain shape {@link PlainEr7Shape} without the parse itself),
 * checks the allow-lists and sets the hub's reference headers. The body stays the bytes as
 * received, so what is archived is byte-equal to what the sender sent.
 *
 * <p>Refusals throw {@link Hl7Rejection} with HL7 table 0357 error codes (HL7 v2.5.1 section 2.15.5).
 */
@Component("hl7Receiver")
public class Hl7Receiver {

    private final Parser parser;
    private final Set<String> allowedVersions;
    private final Set<String> allowedTypes;
    private final boolean allTypesAllowed;

    public Hl7Receiver(Parser hl7Parser, Hl7Properties properties) {
        this.parser = hl7Parser;
        this.allowedVersions = Set.copyOf(properties.getAllowedVersions());
        this.allowedTypes = new HashSet<>(properties.getAllowedMessageTypes());
        this.allTypesAllowed = allowedTypes.contains("*");
    }

    public void receive(Exchange exchange) {
        Message in = exchange.getMessage();
        in.setHeader(HubHeaders.CHANNEL, exchange.getFromRouteId());
        byte[] bytes = unwrap(in);
        in.setHeader(HubHeaders.SHA256, Sha256.hexDigest(bytes));

        MshHeader msh = MshHeader.read(bytes).orElseThrow(() -> new Hl7Rejection("HL7_NO_MSH", AckCode.AR, "100",
                "Message does not start with a valid MSH segment"));
        in.setHeader(HubHeaders.CONTROL_ID, msh.controlId());
        in.setHeader(HubHeaders.VERSION, msh.version());
        in.setHeader(HubHeaders.MESSAGE_TYPE, msh.messageType());
        in.setHeader(HubHeaders.ACTOR, msh.component(3, 1) + "^" + msh.component(4, 1));
        rejectFramingProblems(exchange.getProperty(FRAME_PROBLEM, String.class));

        Charset charset = Hl7Charsets.forMsh18(msh.charsetName()).orElseThrow(() -> new Hl7Rejection(
                "HL7_CHARSET_UNKNOWN", AckCode.AR, "103", "MSH-18 names a character set the hub does not support"));
        in.setHeader(HubHeaders.CHARSET, charset.name());
        String text = decodeStrictly(bytes, charset);

        if (msh.controlId().isBlank()) {
            throw new Hl7Rejection("HL7_MSH_INVALID", AckCode.AR, "101", "MSH-10 message control id is missing");
        }
        if (!allowedVersions.contains(msh.version())) {
            throw new Hl7Rejection("HL7_VERSION_NOT_ALLOWED", AckCode.AR, "203",
                    "HL7 version in MSH-12 is not accepted by this channel");
        }
        String type = msh.component(9, 1);
        if (!allTypesAllowed && !allowedTypes.contains(type)) {
            throw new Hl7Rejection("HL7_TYPE_NOT_ALLOWED", AckCode.AR, "200",
                    "Message type in MSH-9 is not accepted by this channel");
        }
        // HAPI's parse only decides acceptance (its model is not used); for the plain shape senders
        // send it always accepts, so it is asked only about the rest
        if (!PlainEr7Shape.isPlain(text, msh)) {
            parse(text);
        }

        String patientKey = PatientKey.fromPid3(text, msh).orElse(msh.controlId());
        in.setHeader(KafkaConstants.KEY, patientKey);
        in.setHeader(HubHeaders.DEDUP_KEY, msh.field(4) + "|" + msh.controlId());
    }

    /** Exchange property the receiver sets when the frame itself was bad. */
    static final String FRAME_PROBLEM = "hubFrameProblem";

    private static byte[] unwrap(Message in) {
        Object body = in.getBody();
        if (body instanceof MllpFrame frame) {
            in.setBody(frame.bytes());
            Exchange exchange = in.getExchange();
            if (frame instanceof MllpFrame.Unframed) {
                exchange.setProperty(FRAME_PROBLEM, "unframed");
                throw new Hl7Rejection("MLLP_NOT_FRAMED", AckCode.AR, "100",
                        "Bytes outside an MLLP block; closing the connection");
            } else if (frame instanceof MllpFrame.Oversize) {
                exchange.setProperty(FRAME_PROBLEM, "oversize");
            } else if (frame instanceof MllpFrame.Truncated) {
                exchange.setProperty(FRAME_PROBLEM, "truncated");
            }
            return frame.bytes();
        }
        byte[] bytes = in.getBody(byte[].class);
        if (bytes == null) {
            throw new Hl7Rejection("HL7_EMPTY", AckCode.AR, "100", "Empty message");
        }
        return bytes;
    }

    private static void rejectFramingProblems(String problem) {
        if ("oversize".equals(problem)) {
            throw new Hl7Rejection("HL7_OVERSIZE", AckCode.AR, "207",
                    "Message exceeds the maximum size accepted by this channel");
        }
        if ("truncated".equals(problem)) {
            throw new Hl7Rejection("MLLP_TRUNCATED", AckCode.AR, "100",
                    "MLLP block was interrupted before its end marker");
        }
    }

    private static String decodeStrictly(byte[] bytes, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Hl7Rejection("HL7_CHARSET_MISMATCH", AckCode.AR, "102",
                    "Message bytes are not valid in the character set declared in MSH-18");
        }
    }

    private void parse(String text) {
        try {
            parser.parse(text);
        } catch (HL7Exception e) {
            // HAPI's message may quote field content (PHI); only its location is kept.
            ca.uhn.hl7v2.Location location = e.getLocation();
            String where = location == null || location.getSegmentName() == null ? ""
                    : " at " + location.getSegmentName() + (location.getField() > 0 ? "-" + location.getField() : "");
            throw new Hl7Rejection("HL7_UNPARSEABLE", AckCode.AR, "102", "Message cannot be parsed" + where);
        } catch (RuntimeException e) {
            throw new Hl7Rejection("HL7_UNPARSEABLE", AckCode.AR, "102", "Message cannot be parsed");
        }
    }
}
