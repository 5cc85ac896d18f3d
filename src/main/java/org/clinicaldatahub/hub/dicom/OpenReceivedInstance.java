package org.clinicaldatahub.hub.dicom;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A received instance whose file is still open for writing: the spool forces it through this
 * channel instead of opening the file again (on the path to every C-STORE-RSP of the spooled
 * mode). Whoever received it closes it once the route has run: a file of its own is closed and
 * deleted (by then it was moved into the spool or uploaded), a spool slot it was received into is
 * given back unless it became a spool entry.
 *
 * @param instance the received instance
 * @param channel  its file, open for writing
 * @param done     what closing does
 */
public record OpenReceivedInstance(ReceivedInstance instance, FileChannel channel, Closeable done)
        implements AutoCloseable {

    @Override
    public void close() throws IOException {
        done.close();
    }
}
