package org.clinicaldatahub.hub.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3Mock's Spring Boot exec jar unpacked into a plain class path: {@code app.jar} (the jar's own
 * classes and resources, with a {@code Class-Path} naming {@code lib/*.jar} in the jar's class path
 * order) and {@code lib/}. Started from it, the child JVM loads its classes from ordinary jars
 * instead of through Spring Boot's nested-jar class loader, which saves about a third of its
 * start-up CPU (about 2.5 s on a 2-core machine, where it competes with the hub's own start).
 *
 * <p>Unpacked once per exec jar (keyed by its size and modification time) into a directory beside
 * it, or under the data directory if that is not writable. The directory is built under a
 * temporary name and renamed into place, so concurrent hubs never see a partial one; a finished
 * one is never modified. Anything unexpected yields {@link Optional#empty()} and the caller runs
 * the exec jar as it is.
 */
final class S3MockClassPath {

    private static final Logger log = LoggerFactory.getLogger(S3MockClassPath.class);
    static final String APP_JAR = "app.jar";
    private static final String LIB = "lib/";
    /** Written last: lists every file with its size, so a damaged directory is noticed. */
    private static final String COMPLETE_MARKER = "complete.txt";

    private S3MockClassPath() {
    }

    /** The unpacked class path: {@code app.jar} (its manifest names the libraries) and the main class. */
    record Unpacked(Path appJar, String mainClass) {
    }

    /**
     * Returns the unpacked class path of {@code execJar}, unpacking it first if needed, trying
     * {@code execJar}'s directory and then {@code fallbackParent}.
     */
    static Optional<Unpacked> of(Path execJar, Path fallbackParent) {
        String key;
        try {
            key = Files.size(execJar) + "-" + Files.getLastModifiedTime(execJar).toMillis();
        } catch (IOException e) {
            return Optional.empty();
        }
        String name = execJar.getFileName().toString().replaceFirst("\\.jar$", "") + "-classpath";
        for (Path parent : List.of(execJar.toAbsolutePath().getParent().resolve(name), fallbackParent.resolve(name))) {
            try {
                return Optional.of(inDirectory(execJar, parent, key));
            } catch (IOException | RuntimeException e) {
                log.debug("Could not unpack {} into {}: {}", execJar, parent, e.toString());
            }
        }
        log.info("Starting S3Mock from its exec jar {} (could not unpack it into a plain class path)", execJar);
        return Optional.empty();
    }

    private static Unpacked inDirectory(Path execJar, Path parent, String key) throws IOException {
        Path dir = parent.resolve(key);
        Optional<Unpacked> existing = readComplete(dir);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (Files.exists(dir)) {
            // Only complete directories are ever renamed into place, so this one was damaged
            // afterwards (files deleted by hand): unpack again.
            log.info("Unpacking S3Mock again: {} is incomplete", dir);
            deleteRecursively(dir);
        }
        Files.createDirectories(parent);
        Path tmp = Files.createDirectory(parent.resolve(key + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            unpack(execJar, tmp);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (readComplete(dir).isEmpty()) {
                    throw e;
                }
                log.debug("{} was unpacked by another hub meanwhile", dir);
            }
        } finally {
            deleteRecursively(tmp);
        }
        removeOtherVersions(parent, key);
        return readComplete(dir).orElseThrow(() -> new IOException("unpacked class path in " + dir + " is incomplete"));
    }

    /** Copies {@code BOOT-INF/lib/*.jar} as they are and packs {@code BOOT-INF/classes/} into {@code app.jar}. */
    private static void unpack(Path execJar, Path dir) throws IOException {
        long started = System.nanoTime();
        try (JarFile jar = new JarFile(execJar.toFile(), false)) {
            Attributes boot = jar.getManifest().getMainAttributes();
            String mainClass = require(boot, "Start-Class");
            String classes = require(boot, "Spring-Boot-Classes");
            String lib = require(boot, "Spring-Boot-Lib");
            List<String> libs = classPathOrder(jar, boot.getValue("Spring-Boot-Classpath-Index"), lib);
            Files.createDirectories(dir.resolve(LIB));
            List<String> written = new ArrayList<>();
            for (String entryName : libs) {
                String file = LIB + entryName.substring(lib.length());
                try (InputStream in = jar.getInputStream(jar.getEntry(entryName))) {
                    Files.copy(in, dir.resolve(file));
                }
                written.add(file);
            }
            Manifest manifest = new Manifest();
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.put(Attributes.Name.MAIN_CLASS, mainClass);
            main.put(Attributes.Name.CLASS_PATH, String.join(" ", written));
            for (String copied : List.of("Implementation-Title", "Implementation-Version", "Implementation-Vendor")) {
                if (boot.getValue(copied) != null) {
                    main.putValue(copied, boot.getValue(copied));
                }
            }
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(dir.resolve(APP_JAR)), manifest)) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                    JarEntry entry = entries.nextElement();
                    String entryName = entry.getName();
                    if (!entryName.startsWith(classes) || entryName.length() == classes.length()
                            || entryName.equals(classes + "META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entryName.substring(classes.length())));
                    if (!entry.isDirectory()) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            in.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
            written.add(0, APP_JAR);
            writeComplete(dir, mainClass, written);
        }
        log.info("Unpacked S3Mock's exec jar into a plain class path in {} ({} ms)", dir.getParent(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The libraries in the order of the jar's class path index, then any it does not list. */
    private static List<String> classPathOrder(JarFile jar, String indexName, String lib) throws IOException {
        List<String> order = new ArrayList<>();
        if (indexName != null && jar.getEntry(indexName) != null) {
            try (InputStream in = jar.getInputStream(jar.getEntry(indexName))) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String entry = line.trim().replaceFirst("^- ", "").replace("\"", "");
                    if (entry.startsWith(lib) && entry.endsWith(".jar") && jar.getEntry(entry) != null) {
                        order.add(entry);
                    }
                }
            }
        }
        jar.stream().map(JarEntry::getName)
                .filter(n -> n.startsWith(lib) && n.endsWith(".jar") && n.indexOf('/', lib.length()) < 0)
                .filter(n -> !order.contains(n))
                .sorted()
                .forEach(order::add);
        if (order.isEmpty()) {
            throw new IOException("no libraries under " + lib);
        }
        return order;
    }

    private static String require(Attributes attributes, String name) throws IOException {
        String value = attributes.getValue(name);
        if (value == null || value.isBlank()) {
            throw new IOException("not a Spring Boot exec jar: no " + name + " in its manifest");
        }
        return value;
    }

    private static void writeComplete(Path dir, String mainClass, List<String> files) throws IOException {
        StringBuilder text = new StringBuilder("main-class ").append(mainClass).append('\n');
        for (String file : files) {
            text.append(Files.size(dir.resolve(file))).append(' ').append(file).append('\n');
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve(COMPLETE_MARKER))) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The directory's class path if it is complete: the marker exists and every file has its size. */
    private static Optional<Unpacked> readComplete(Path dir) {
        Path marker = dir.resolve(COMPLETE_MARKER);
        if (!Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).startsWith("main-class ")) {
                return Optional.empty();
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] sizeAndFile = line.split(" ", 2);
                Path file = dir.resolve(sizeAndFile[1]);
                if (!Files.isRegularFile(file) || Files.size(file) != Long.parseLong(sizeAndFile[0])) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Unpacked(dir.resolve(APP_JAR), lines.get(0).substring("main-class ".length())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Best effort: directories of earlier exec jars (a running S3Mock may still hold them open). */
    private static void removeOtherVersions(Path parent, String key) {
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path sibling : siblings.filter(p -> !p.getFileName().toString().equals(key)).toList()) {
                if (!sibling.getFileName().toString().contains(".tmp-")) { // another hub may be unpacking
                    deleteRecursively(sibling);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not clean up {}: {}", parent, e.toString());
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not delete {}: {}", path, e.toString());
        }
    }
}
