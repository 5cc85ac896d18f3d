package org.clinicaldatahub.hub.hl7.internal;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Minimal Lower Layer Protocol framing (HL7 v2.5.1 Implementation Guide, Appendix C: a block is
 * {@code <VT> data <FS><CR>}). Every complete block in the buffer is emitted, so pipelined
 * messages arriving in one TCP read are each processed.
 *
 * <p>camel-hl7's decoder buffers without limit; this one enforces a maximum message size so a
 * sender cannot exhaust memory, and turns each kind of bad input into an object the route can
 * answer, quarantine and audit instead of a silently dropped connection:
 * {@link MllpFrame.Oversize} (the first bytes are kept so the ACK can name MSH-10),
 * {@link MllpFrame.Truncated} (a block interrupted by a new start byte or by the peer closing) and
 * {@link MllpFrame.Unframed} (bytes outside any block that are not whitespace).
 */
public class MllpFrameDecoder extends ByteToMessageDecoder {

    static final byte START_BLOCK = 0x0B;
    static final byte END_BLOCK = 0x1C;
    static final byte CARRIAGE_RETURN = 0x0D;
    /** Bytes of an oversize message kept for addressing the negative ACK and for quarantine. */
    static final int OVERSIZE_HEAD_BYTES = 4096;

    private final int maxMessageBytes;
    private boolean discardingOversize;
    private long oversizeLength;
    private byte[] oversizeHead;

    public MllpFrameDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (discardingOversize) {
                if (!discardOversize(in, out)) {
                    return;
                }
                continue;
            }
            if (!skipToStartBlock(in, out)) {
                return;
            }
            int start = in.readerIndex() + 1;
            int end = findEndBlock(in, start);
            if (end < 0) {
                if (in.writerIndex() - start > maxMessageBytes) {
                    beginDiscardingOversize(in, start);
                    continue;
                }
                int restart = indexOf(in, start, in.writerIndex(), START_BLOCK);
                if (restart >= 0) {
                    out.add(new MllpFrame.Truncated(copy(in, start, restart - start)));
                    in.readerIndex(restart);
                    continue;
                }
                return; // wait for more bytes
            }
            int length = end - start;
            int restart = indexOf(in, start, end, START_BLOCK);
            if (restart >= 0) {
                out.add(new MllpFrame.Truncated(copy(in, start, restart - start)));
                in.readerIndex(restart);
                continue;
            }
            if (length > maxMessageBytes) {
                out.add(new MllpFrame.Oversize(copy(in, start, OVERSIZE_HEAD_BYTES), length));
            } else {
                out.add(new MllpFrame.Message(copy(in, start, length)));
            }
            in.readerIndex(end + 2);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (discardingOversize) {
            out.add(new MllpFrame.Oversize(oversizeHead, oversizeLength));
            discardingOversize = false;
        } else if (in.isReadable() && in.getByte(in.readerIndex()) == START_BLOCK) {
            out.add(new MllpFrame.Truncated(copy(in, in.readerIndex() + 1, in.readableBytes() - 1)));
            in.skipBytes(in.readableBytes());
        }
    }

    /** Skips whitespace between blocks; returns false when the buffer holds no start byte yet. */
    private boolean skipToStartBlock(ByteBuf in, List<Object> out) {
        int from = in.readerIndex();
        int startBlock = indexOf(in, from, in.writerIndex(), START_BLOCK);
        int junkEnd = startBlock < 0 ? in.writerIndex() : startBlock;
        if (junkEnd > from) {
            if (!isWhitespace(in, from, junkEnd)) {
                out.add(new MllpFrame.Unframed(copy(in, from, Math.min(junkEnd - from, OVERSIZE_HEAD_BYTES))));
            }
            in.readerIndex(junkEnd);
        }
        return startBlock >= 0;
    }

    private void beginDiscardingOversize(ByteBuf in, int start) {
        oversizeHead = copy(in, start, OVERSIZE_HEAD_BYTES);
        oversizeLength = in.writerIndex() - start;
        discardingOversize = true;
        in.readerIndex(in.writerIndex());
    }

    /** Drops the rest of an oversize block; returns true once its end was found. */
    private boolean discardOversize(ByteBuf in, List<Object> out) {
        int end = findEndBlock(in, in.readerIndex());
        if (end < 0) {
            // keep a trailing FS so an end block split across reads is still found
            int keep = in.getByte(in.writerIndex() - 1) == END_BLOCK ? 1 : 0;
            oversizeLength += in.readableBytes() - keep;
            in.readerIndex(in.writerIndex() - keep);
            return false;
        }
        oversizeLength += end - in.readerIndex();
        in.readerIndex(end + 2);
        out.add(new MllpFrame.Oversize(oversizeHead, oversizeLength));
        discardingOversize = false;
        oversizeHead = null;
        return true;
    }

    private static int findEndBlock(ByteBuf in, int from) {
        int limit = in.writerIndex() - 1;
        for (int i = from; i < limit; i++) {
            if (in.getByte(i) == END_BLOCK && in.getByte(i + 1) == CARRIAGE_RETURN) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(ByteBuf in, int from, int to, byte value) {
        return to <= from ? -1 : in.indexOf(from, to, value);
    }

    private static boolean isWhitespace(ByteBuf in, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b != '\r' && b != '\n' && b != ' ' && b != '\t' && b != END_BLOCK) {
                return false;
            }
        }
        return true;
    }

    private static byte[] copy(ByteBuf in, int from, int maxLength) {
        int length = Math.max(0, Math.min(maxLength, in.writerIndex() - from));
        byte[] bytes = new byte[length];
        in.getBytes(from, bytes);
        return bytes;
    }
}
