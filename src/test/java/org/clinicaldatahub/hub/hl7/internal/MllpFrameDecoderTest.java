package org.clinicaldatahub.hub.hl7.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class MllpFrameDecoderTest {

    private static final String A = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5\rPID|1||123\r";
    private static final String B = "MSH|^~\\&|A|B|C|D|20260101||ADT^A08|2|P|2.5\rPID|1||456\r";

    private static byte[] frame(String message) {
        return ("\u000b" + message + "\u001c\r").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static List<MllpFrame> decode(int max, byte[]... reads) {
        EmbeddedChannel channel = new EmbeddedChannel(new MllpFrameDecoder(max));
        for (byte[] read : reads) {
            channel.writeInbound(Unpooled.wrappedBuffer(read));
        }
        channel.finish();
        List<MllpFrame> frames = new ArrayList<>();
        Object frame;
        while ((frame = channel.readInbound()) != null) {
            frames.add((MllpFrame) frame);
        }
        return frames;
    }

    private static String text(MllpFrame frame) {
        return new String(frame.bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void pipelinedFramesInOneReadAreEachEmittedInOrder() {
        List<MllpFrame> frames = decode(1024, concat(frame(A), frame(B)));
        assertThat(frames).hasSize(2).allMatch(f -> f instanceof MllpFrame.Message);
        assertThat(text(frames.get(0))).isEqualTo(A);
        assertThat(text(frames.get(1))).isEqualTo(B);
    }

    @Test
    void frameSplitAcrossReadsIncludingTheEndBlockIsReassembled() {
        byte[] whole = frame(A);
        int cut = whole.length - 1; // between FS and CR
        byte[] first = java.util.Arrays.copyOfRange(whole, 0, 10);
        byte[] second = java.util.Arrays.copyOfRange(whole, 10, cut);
        byte[] third = java.util.Arrays.copyOfRange(whole, cut, whole.length);
        List<MllpFrame> frames = decode(1024, first, second, third);
        assertThat(frames).hasSize(1);
        assertThat(text(frames.get(0))).isEqualTo(A);
    }

    @Test
    void oversizeFrameIsReportedWithItsHeadAndTheNextFrameStillDecodes() {
        String big = A + "NTE|1||" + "x".repeat(5000) + "\r";
        byte[] bigFrame = frame(big);
        byte[] part1 = java.util.Arrays.copyOfRange(bigFrame, 0, 3000);
        byte[] part2 = java.util.Arrays.copyOfRange(bigFrame, 3000, bigFrame.length);
        List<MllpFrame> frames = decode(1024, part1, part2, frame(B));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0)).isInstanceOf(MllpFrame.Oversize.class);
        assertThat(((MllpFrame.Oversize) frames.get(0)).length()).isEqualTo(big.length());
        assertThat(text(frames.get(0))).startsWith("MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|");
        assertThat(text(frames.get(1))).isEqualTo(B);
    }

    @Test
    void blockInterruptedByANewStartIsTruncatedAndTheNextFrameDecodes() {
        byte[] partial = ("\u000b" + A.substring(0, 20)).getBytes(StandardCharsets.ISO_8859_1);
        List<MllpFrame> frames = decode(1024, concat(partial, frame(B)));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0)).isInstanceOf(MllpFrame.Truncated.class);
        assertThat(text(frames.get(0))).isEqualTo(A.substring(0, 20));
        assertThat(text(frames.get(1))).isEqualTo(B);
    }

    @Test
    void blockCutByThePeerClosingIsTruncated() {
        byte[] partial = ("\u000b" + A.substring(0, 30)).getBytes(StandardCharsets.ISO_8859_1);
        List<MllpFrame> frames = decode(1024, partial);
        assertThat(frames).singleElement().isInstanceOf(MllpFrame.Truncated.class);
    }

    @Test
    void bytesOutsideABlockAreUnframedButWhitespaceBetweenFramesIsTolerated() {
        List<MllpFrame> frames = decode(1024, concat(frame(A), "\r\n".getBytes(), frame(B)));
        assertThat(frames).hasSize(2).allMatch(f -> f instanceof MllpFrame.Message);

        List<MllpFrame> junk = decode(1024, "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(junk).singleElement().isInstanceOf(MllpFrame.Unframed.class);
    }
}
