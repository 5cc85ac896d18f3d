package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run goes after the hub is done with it: verified runs into the done directory (or left
 * in place with a {@code .hub-ingested} marker), refused ones into the error directory with a
 * {@code <name>.reason.txt} saying why. A loose file travels with its checksum sidecars. A name
 * already taken in the target gets a time suffix, so nothing is overwritten.
 */
final class DropAreas {

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS");

    private final GenomicsProperties properties;
    private final Clock clock;

    DropAreas(GenomicsProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** After a verified upload (or a run seen again): moved to done, or marked in place. */
    Path done(DropItem item) throws IOException {
        if (properties.getAfterIngest() == GenomicsProperties.AfterIngest.MARKER && item.kind() != DropItem.Kind.SYMLINK) {
            Path marker = item.kind() == DropItem.Kind.RUN_FOLDER ? item.path().resolve(RunFolderScanner.INGESTED_MARKER)
                    : item.path().resolveSibling(item.name() + RunFolderScanner.INGESTED_MARKER);
            Files.writeString(marker, "ingested " + clock.instant() + "\n", StandardCharsets.UTF_8);
            return item.path();
        }
        return move(item, properties.getDoneDir());
    }

    /** A refused run: into the error directory with its reason file. Returns the reason file. */
    Path error(DropItem item, String reasonCode, String reason) throws IOException {
        Path moved = move(item, properties.getErrorDir());
        Path reasonFile = moved.resolveSibling(moved.getFileName() + ".reason.txt");
        Files.writeString(reasonFile, "reason: " + reasonCode + "\nrefused: " + clock.instant() + "\n\n" + reason + "\n",
                StandardCharsets.UTF_8);
        return reasonFile;
    }

    private Path move(DropItem item, Path area) throws IOException {
        Files.createDirectories(area);
        Path target = area.resolve(item.name());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            target = area.resolve(item.name() + "." + SUFFIX.format(clock.instant().atZone(java.time.ZoneOffset.UTC)));
        }
        List<Path> companions = new ArrayList<>();
        if (item.kind() == DropItem.Kind.LOOSE_FILE) {
            companions.addAll(RunFiles.sidecars(item.path()));
        }
        moveOne(item.path(), target);
        for (Path sidecar : companions) {
            moveOne(sidecar, target.resolveSibling(target.getFileName() + sidecar.getFileName().toString()
                    .substring(item.name().length())));
        }
        return target;
    }

    /** A rename on one file system; a copy and delete across file systems (never following links). */
    private static void moveOne(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException crossDevice) {
            Files.move(source, target, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
