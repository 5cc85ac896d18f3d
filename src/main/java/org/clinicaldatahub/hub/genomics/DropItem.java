package org.clinicaldatahub.hub.genomics;

import java.nio.file.Path;

/**
 * Something in a drop directory ready to ingest: a run folder with its completion marker, or a
 * loose file whose size has been stable, or an entry the scanner already knows it must refuse
 * (a symbolic link at the top of the drop directory).
 */
public record DropItem(Path path, Path dropDir, Kind kind) {

    public enum Kind {
        RUN_FOLDER, LOOSE_FILE, SYMLINK
    }

    /** The entry's name in the drop directory. */
    public String name() {
        return path.getFileName().toString();
    }
}
