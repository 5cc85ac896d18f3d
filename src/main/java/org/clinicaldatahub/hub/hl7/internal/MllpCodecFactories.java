package org.clinicaldatahub.hub.hl7.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import org.apache.camel.component.netty.ChannelHandlerFactory;

/** camel-netty creates a decoder per connection through these factories (decoders keep state). */
public final class MllpCodecFactories {

    private MllpCodecFactories() {
    }

    public static ChannelHandlerFactory decoder(int maxMessageBytes) {
        return new Factory(() -> new MllpFrameDecoder(maxMessageBytes));
    }

    public static ChannelHandlerFactory encoder() {
        MllpFrameEncoder shared = new MllpFrameEncoder();
        return new Factory(() -> shared);
    }

    @ChannelHandler.Sharable
    private static final class Factory extends ChannelHandlerAdapter implements ChannelHandlerFactory {
        private final java.util.function.Supplier<ChannelHandler> supplier;

        private Factory(java.util.function.Supplier<ChannelHandler> supplier) {
            this.supplier = supplier;
        }

        @Override
        public ChannelHandler newChannelHandler() {
            return supplier.get();
        }
    }
}
