package org.clinicaldatahub.hub.dicom.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs DCMTK command-line tools (Debian package {@code dcmtk}, installed by {@code .ci/run}) as
 * the hub's real DICOM peer. TCP_NODELAY=1 is set for every tool: without it DCMTK 3.6.7 leaves
 * Nagle's algorithm on.
 */
public final class Dcmtk {

    /** Exit code and combined output of one tool run. */
    public record Result(int exitCode, String output) {
    }

    private Dcmtk() {
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/storescu")) && Files.isExecutable(Path.of("/usr/bin/dump2dcm"));
    }

    public static Result run(String... command) throws IOException, InterruptedException {
        return run(List.of(command));
    }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, java.time.Duration.ofSeconds(120));
    }

    public static Result run(List<String> command, java.time.Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TCP_NODELAY", "1");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException(command.get(0) + " timed out");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.ISO_8859_1));
    }

    /** The storescu option that proposes exactly this transfer syntax (with -R: only it). */
    public static String storescuProposal(String transferSyntaxUid) {
        return switch (transferSyntaxUid) {
            case "1.2.840.10008.1.2" -> "-xi";
            case "1.2.840.10008.1.2.1" -> "-xe";
            case "1.2.840.10008.1.2.2" -> "-xb";
            case "1.2.840.10008.1.2.1.99" -> "-xd";
            case "1.2.840.10008.1.2.4.70" -> "-xs";
            case "1.2.840.10008.1.2.5" -> "-xr";
            case "1.2.840.10008.1.2.4.80" -> "-xt";
            default -> throw new IllegalArgumentException("no storescu option for " + transferSyntaxUid);
        };
    }

    /** Runs a tool and fails unless it exits 0. */
    public static String ok(String... command) throws IOException, InterruptedException {
        Result result = run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + result.exitCode() + ":\n"
                    + result.output());
        }
        return result.output();
    }

    /**
     * The synthetic CT test instances, one per transfer syntax the hub must take: made with
     * dump2dcm from a dump, converted with dcmconv, dcmcjpeg, dcmcrle and dcmcjpls.
     */
    public static List<Path> testInstances(Path dir, String prefix) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path dump = dir.resolve(prefix + ".dump");
        Files.writeString(dump, SyntheticCt.dump(prefix), StandardCharsets.ISO_8859_1);
        Path base = dir.resolve(prefix + "-base.dcm");
        ok("dump2dcm", "+te", dump.toString(), base.toString());
        List<Path> files = new ArrayList<>();
        String[][] variants = {
            {"implicit-le", "dcmconv", "+ti"},
            {"explicit-le", "dcmconv", "+te"},
            {"explicit-le-undefined-lengths", "dcmconv", "+te", "-e"},
            {"explicit-be", "dcmconv", "+tb"},
            {"deflated", "dcmconv", "+td"},
            {"jpeg-lossless", "dcmcjpeg"},
            {"rle", "dcmcrle"},
            {"jpeg-ls", "dcmcjpls"},
        };
        int n = 0;
        for (String[] variant : variants) {
            n++;
            Path variantDump = dir.resolve(prefix + "-" + variant[0] + ".dump");
            Files.writeString(variantDump, SyntheticCt.dumpWithInstance(prefix, n), StandardCharsets.ISO_8859_1);
            Path source = dir.resolve(prefix + "-" + variant[0] + "-src.dcm");
            ok("dump2dcm", "+te", variantDump.toString(), source.toString());
            Path target = dir.resolve(prefix + "-" + variant[0] + ".dcm");
            List<String> command = new ArrayList<>(List.of(variant).subList(1, variant.length));
            command.add(source.toString());
            command.add(target.toString());
            ok(command.toArray(String[]::new));
            files.add(target);
        }
        return files;
    }
}
