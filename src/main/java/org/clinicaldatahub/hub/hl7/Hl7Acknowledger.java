package org.clinicaldatahub.hub.hl7;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.NettyConstants;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.hl7.Hl7Rejection.AckCode;
import org.clinicaldatahub.hub.hl7.internal.MshHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds HL7 v2 original-mode acknowledgments (HL7 v2.5.1 section 2.9.2; MSH, MSA, ERR):
 * sender and receiver swapped, MSA-2 = the message's MSH-10, the message's own version and
 * character set, and an ERR segment in the layout of that version (ERR-1 up to v2.4, ERR-3/4/8
 * from v2.5) on negative answers. Built from the raw MSH so even an unparseable message is
 * answered.
 */
@Component("hl7Acknowledger")
public class Hl7Acknowledger {

    private static final Logger LOG = LoggerFactory.getLogger(Hl7Acknowledger.class);
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** AA: the message is durably committed. */
    public void accept(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] original = message.getBody(byte[].class);
        MshHeader msh = MshHeader.read(original).orElseThrow();
        message.setHeader(HubHeaders.OUTCOME, "success");
        message.setBody(encode(build(msh, "AA", null), charsetOf(message)));
    }

    /** AR or AE for the exception the route caught; closes the connection for non-MLLP input. */
    public void reject(Exchange exchange) {
        Message message = exchange.getMessage();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Hl7Rejection rejection = cause instanceof Hl7Rejection r ? r
                : new Hl7Rejection("HL7_PROCESSING_ERROR", AckCode.AE, "207",
                        "The hub could not commit the message; resend later");
        if (!(cause instanceof Hl7Rejection)) {
            LOG.warn("HL7 processing error on {} for control id {}: {}", exchange.getFromRouteId(),
                    message.getHeader(HubHeaders.CONTROL_ID), cause == null ? "unknown" : cause.getClass().getName());
        }
        message.setHeader(HubHeaders.REASON_CODE, rejection.reasonCode());
        message.setHeader(HubHeaders.OUTCOME, rejection.ackCode() == AckCode.AR ? "rejected" : "error");
        if ("MLLP_NOT_FRAMED".equals(rejection.reasonCode())) {
            message.setHeader(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
            message.setBody(null);
            return;
        }
        byte[] original = message.getBody(byte[].class);
        MshHeader msh = original == null ? null : MshHeader.read(original).orElse(null);
        message.setBody(encode(build(msh, rejection.ackCode().name(), rejection), charsetOf(message)));
    }

    /** Records the reason on the exchange before quarantine, so the stored copy carries it. */
    public void classify(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = cause instanceof Hl7Rejection r ? r.reasonCode() : "HL7_PROCESSING_ERROR";
        exchange.getMessage().setHeader(HubHeaders.REASON_CODE, reason);
    }

    static String build(MshHeader msh, String ackCode, Hl7Rejection rejection) {
        char f = msh == null ? '|' : msh.fieldSeparator();
        String encoding = msh == null ? "^~\\&" : msh.encodingCharacters();
        char c = encoding.charAt(0);
        String version = msh == null || msh.version().isEmpty() ? "2.5.1" : msh.version();
        boolean modernErr = version.compareTo("2.5") >= 0;
        String trigger = msh == null ? "" : msh.component(9, 2);
        String type = version.compareTo("2.3") < 0 || trigger.isEmpty() ? "ACK"
                : modernErr ? "ACK" + c + trigger + c + "ACK" : "ACK" + c + trigger;
        String processingId = msh == null || msh.field(11).isEmpty() ? "P" : msh.field(11);
        StringBuilder ack = new StringBuilder(256);
        ack.append("MSH").append(f).append(encoding)
                .append(f).append(field(msh, 5)).append(f).append(field(msh, 6))
                .append(f).append(field(msh, 3)).append(f).append(field(msh, 4))
                .append(f).append(TS.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append(f)
                .append(f).append(type)
                .append(f).append("HUB").append(Long.toString(System.currentTimeMillis(), 36))
                .append(Long.toString(SEQUENCE.incrementAndGet(), 36))
                .append(f).append(processingId)
                .append(f).append(version);
        String charset = msh == null ? "" : msh.field(18);
        if (!charset.isEmpty()) {
            ack.append(String.valueOf(f).repeat(6)).append(charset);
        }
        ack.append('\r');
        ack.append("MSA").append(f).append(ackCode).append(f).append(msh == null ? "" : msh.controlId());
        if (rejection != null) {
            ack.append(f).append(rejection.getMessage());
        }
        ack.append('\r');
        if (rejection != null) {
            char s = encoding.length() > 3 ? encoding.charAt(3) : '&';
            if (modernErr) {
                ack.append("ERR").append(f).append(f)
                        .append(f).append(rejection.hl7ErrorCode()).append(c).append(rejection.reasonCode())
                        .append(c).append("HL70357")
                        .append(f).append("E")
                        .append(f).append(f).append(f)
                        .append(f).append(rejection.getMessage());
            } else {
                ack.append("ERR").append(f).append(c).append(c).append(c)
                        .append(rejection.hl7ErrorCode()).append(s).append(rejection.reasonCode())
                        .append(s).append("HL70357");
            }
            ack.append('\r');
        }
        return ack.toString();
    }

    private static String field(MshHeader msh, int n) {
        return msh == null ? "" : msh.field(n);
    }

    private static Charset charsetOf(Message message) {
        String name = message.getHeader(HubHeaders.CHARSET, String.class);
        return name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(name);
    }

    private static byte[] encode(String ack, Charset charset) {
        return ack.getBytes(charset);
    }
}
