package org.clinicaldatahub.hub.hl7.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Wraps an answer in an MLLP block: {@code <VT> data <FS><CR>}. Stateless, hence sharable. */
@ChannelHandler.Sharable
public class MllpFrameEncoder extends MessageToByteEncoder<byte[]> {

    @Override
    protected void encode(ChannelHandlerContext ctx, byte[] message, ByteBuf out) {
        out.ensureWritable(message.length + 3);
        out.writeByte(MllpFrameDecoder.START_BLOCK);
        out.writeBytes(message);
        out.writeByte(MllpFrameDecoder.END_BLOCK);
        out.writeByte(MllpFrameDecoder.CARRIAGE_RETURN);
    }
}
