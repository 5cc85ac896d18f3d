package org.clinicaldatahub.hub.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;

/**
 * Command line verification of an audit trail, local segments or the WORM bucket, without Spring:
 * <pre>java -jar clinical-data-hub.jar audit verify \
 *     --dir data/audit/segments --public-key data/audit/audit-public-key.pem [--allow-open-tail]
 * java -jar clinical-data-hub.jar audit verify --bucket hub-audit --s3-endpoint http://localhost:9000 \
 *     --public-key data/audit/audit-public-key.pem</pre>
 * Prints
 * {@code OK: N events, M checkpoints} or {@code TAMPERED: <what> at <file>:<line> (seq N)}.
 * Exit code 0 when intact, 1 when tampered, 2 for usage errors (missing arguments, unreadable
 * key or directory). {@code --allow-open-tail} accepts a log that has no final checkpoint yet
 * (a running node, or a crashed one before its restart) and reports its unsigned tail.
 */
public final class AuditVerifyCommand {

    public static final int INTACT = 0;
    public static final int TAMPERED = 1;
    public static final int USAGE = 2;

    private static final String USAGE_TEXT = "usage: audit verify (--dir <segments dir> | --bucket <audit bucket> "
            + "--s3-endpoint <url> [--prefix audit/] [--s3-region us-east-1]) --public-key <pem> [--allow-open-tail]\n"
            + "  S3 credentials for --bucket: HUB_S3_ACCESS_KEY / HUB_S3_SECRET_KEY, else the AWS SDK default chain";

    private AuditVerifyCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path dir = null;
        Path key = null;
        boolean openTail = false;
        String bucket = null;
        String endpoint = null;
        String prefix = ObjectStoreAuditShipper.CHANNEL + "/";
        String region = "us-east-1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--public-key" -> key = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--allow-open-tail" -> openTail = true;
                case "--bucket" -> bucket = i + 1 < args.length ? args[++i] : null;
                case "--s3-endpoint" -> endpoint = i + 1 < args.length ? args[++i] : null;
                case "--prefix" -> prefix = i + 1 < args.length ? args[++i] : prefix;
                case "--s3-region" -> region = i + 1 < args.length ? args[++i] : region;
                case "-h", "--help" -> {
                    out.println(USAGE_TEXT);
                    return USAGE;
                }
                default -> {
                    err.println("unknown argument: " + args[i]);
                    err.println(USAGE_TEXT);
                    return USAGE;
                }
            }
        }
        if ((dir == null) == (bucket == null) || key == null) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (dir != null && !Files.isDirectory(dir)) {
            err.println("ERROR: not a directory: " + dir);
            return USAGE;
        }
        PublicKey publicKey;
        try {
            publicKey = AuditSigningKeys.readPublicKey(key);
        } catch (IOException e) {
            err.println("ERROR: cannot read public key: " + e.getMessage());
            return USAGE;
        }
        if (bucket != null) {
            // in a class of its own so that --dir works with only the hub's own classes on the class path
            return AuditBucketVerification.run(bucket, endpoint, prefix, region, publicKey, openTail, out, err);
        }
        try {
            AuditVerificationResult result = new AuditVerifier(publicKey).allowOpenTail(openTail).verify(dir);
            out.println(result.summary());
            return result.intact() ? INTACT : TAMPERED;
        } catch (IOException e) {
            err.println("ERROR: cannot read segments: " + e.getMessage());
            return USAGE;
        }
    }
}
