package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The files of a run folder (or the one loose file), each with the checksum its {@code .md5} or
 * {@code .sha256} sidecar promises. Refused: symbolic links anywhere in the run (they could point
 * out of the drop directory, or change what was verified), anything that resolves outside the
 * drop directory, special files, and files the hub cannot read.
 */
public final class RunFiles {

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    /** One file to upload: its path relative to the run (with {@code /}), and the sidecar digests if any. */
    public record RunFile(Path file, String relativePath, long size, String expectedSha256, String expectedMd5) {
    }

    private RunFiles() {
    }

    /** The files of a run folder, in path order; the hub's own marker is not part of the run. */
    public static List<RunFile> ofRunFolder(Path folder, Path dropDir) throws IOException, RunRefusedException {
        insideDropDir(folder, dropDir);
        List<Path> files = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isSymbolicLink()) {
                    refused.add("GENOMICS_SYMLINK:" + relative(folder, file) + " is a symbolic link");
                } else if (!attributes.isRegularFile()) {
                    refused.add("GENOMICS_SPECIAL_FILE:" + relative(folder, file) + " is not a regular file");
                } else if (!Files.isReadable(file)) {
                    refused.add("GENOMICS_UNREADABLE:" + relative(folder, file) + " cannot be read by the hub");
                } else if (!file.getFileName().toString().equals(RunFolderScanner.INGESTED_MARKER)) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
                    refused.add("GENOMICS_UNREADABLE:" + relative(folder, dir) + " (directory) cannot be read by the hub");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                refused.add("GENOMICS_UNREADABLE:" + relative(folder, file) + " cannot be read by the hub");
                return FileVisitResult.CONTINUE;
            }
        });
        if (!refused.isEmpty()) {
            String first = refused.get(0);
            int colon = first.indexOf(':');
            throw new RunRefusedException(first.substring(0, colon), String.join("\n", refused.stream()
                    .map(r -> r.substring(r.indexOf(':') + 1)).toList()));
        }
        files.sort(Comparator.comparing(p -> relative(folder, p)));
        List<RunFile> result = new ArrayList<>(files.size());
        for (Path file : files) {
            result.add(runFile(file, relative(folder, file)));
        }
        return result;
    }

    /** A loose file with its sidecars (uploaded beside it). */
    public static List<RunFile> ofLooseFile(Path file, Path dropDir) throws IOException, RunRefusedException {
        insideDropDir(file, dropDir);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new RunRefusedException("GENOMICS_SPECIAL_FILE", file.getFileName() + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new RunRefusedException("GENOMICS_UNREADABLE", file.getFileName() + " cannot be read by the hub");
        }
        List<RunFile> result = new ArrayList<>();
        result.add(runFile(file, file.getFileName().toString()));
        for (Path sidecar : sidecars(file)) {
            result.add(runFile(sidecar, sidecar.getFileName().toString()));
        }
        return result;
    }

    /** The {@code .md5} and {@code .sha256} files beside {@code file} that exist. */
    public static List<Path> sidecars(Path file) {
        List<Path> found = new ArrayList<>();
        for (String suffix : List.of(".md5", ".sha256")) {
            Path sidecar = file.resolveSibling(file.getFileName() + suffix);
            if (Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)) {
                found.add(sidecar);
            }
        }
        return found;
    }

    /**
     * Refuses a path that resolves outside its drop directory: a drop directory entry reached
     * through a link, or a {@code ..} in a configured name.
     */
    static void insideDropDir(Path entry, Path dropDir) throws IOException, RunRefusedException {
        Path real = entry.toRealPath(LinkOption.NOFOLLOW_LINKS);
        Path root = dropDir.toRealPath();
        Path resolved = entry.toRealPath();
        if (!real.startsWith(root) || !resolved.startsWith(root)) {
            throw new RunRefusedException("GENOMICS_PATH_ESCAPES", entry.getFileName() + " resolves outside the drop directory");
        }
    }

    private static RunFile runFile(Path file, String relativePath) throws IOException, RunRefusedException {
        String sha256 = digestFromSidecar(file.resolveSibling(file.getFileName() + ".sha256"), 64);
        String md5 = digestFromSidecar(file.resolveSibling(file.getFileName() + ".md5"), 32);
        return new RunFile(file, relativePath, Files.size(file), sha256, md5);
    }

    /**
     * The digest in a sidecar written by {@code md5sum}/{@code sha256sum} ({@code <hex>  <name>})
     * or holding the bare hex; null when there is no sidecar. A sidecar that holds no digest of the
     * right length is refused rather than ignored: the sender meant to give one.
     */
    static String digestFromSidecar(Path sidecar, int hexLength) throws IOException, RunRefusedException {
        if (!Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        String text = Files.readString(sidecar, StandardCharsets.ISO_8859_1).trim();
        String first = text.isEmpty() ? "" : text.split("\\s+", 2)[0];
        if (first.startsWith("\\")) {
            first = first.substring(1);
        }
        if (first.length() != hexLength || !HEX.matcher(first).matches()) {
            throw new RunRefusedException("GENOMICS_SIDECAR_INVALID", sidecar.getFileName()
                    + " does not hold a " + (hexLength == 64 ? "SHA-256" : "MD5") + " digest");
        }
        return first.toLowerCase(Locale.ROOT);
    }

    static String relative(Path folder, Path file) {
        return folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
