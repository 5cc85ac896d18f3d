package org.clinicaldatahub.hub.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.clinicaldatahub.hub.audit.AuditVerificationResult.Kind;
import org.clinicaldatahub.hub.audit.AuditVerificationResult.Problem;
import org.clinicaldatahub.hub.audit.internal.ChainVerifier;
import org.clinicaldatahub.hub.audit.internal.LineReader;
import org.clinicaldatahub.hub.audit.internal.SegmentFiles;

/**
 * Checks audit segments with the signing public key and reports the first problem with its
 * position: a changed, removed, inserted or reordered event, a truncated tail, a broken or
 * replaced signature, a removed or changed checkpoint. Segments are grouped by node (from their
 * file names) and each node's chain is checked from its genesis value, in log order.
 * <p>
 * Checks, in short: every event links to the hash of the one before and has the next sequence
 * number; every checkpoint is canonical, signed by the expected key (Ed25519, RFC 8032), follows
 * the previous checkpoint's range, and its digests, chain head and Merkle root match the events
 * before it; the log ends with the {@code final} checkpoint of a clean shutdown, unless
 * {@link #allowOpenTail(boolean)} is set for a running or crashed node, in which case the events
 * after the last checkpoint are counted as the unsigned tail.
 * <p>
 * Not detectable from the files alone: cutting the log back to an earlier clean shutdown, or
 * replacing it entirely, by someone holding the private key. Shipping checkpoints to a WORM store
 * and comparing against it closes that gap.
 */
public final class AuditVerifier {

    private final PublicKey publicKey;
    private final boolean allowOpenTail;

    public AuditVerifier(PublicKey publicKey) {
        this(publicKey, false);
    }

    private AuditVerifier(PublicKey publicKey, boolean allowOpenTail) {
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.allowOpenTail = allowOpenTail;
    }

    /** A verifier that accepts a log without its final checkpoint, reporting the unsigned tail instead. */
    public AuditVerifier allowOpenTail(boolean allow) {
        return new AuditVerifier(publicKey, allow);
    }

    /** Verifies the segment files in a directory. */
    public AuditVerificationResult verify(Path segmentsDir) throws IOException {
        return verify(AuditSegment.inDirectory(segmentsDir));
    }

    /** Verifies segments from any store; names that are not segment file names are ignored. */
    public AuditVerificationResult verify(List<AuditSegment> segments) throws IOException {
        Map<String, List<Named>> byNode = new TreeMap<>();
        for (AuditSegment segment : segments) {
            SegmentFiles.Segment parsed = SegmentFiles.parse(segment.name());
            if (parsed != null) {
                byNode.computeIfAbsent(parsed.node(), n -> new ArrayList<>()).add(new Named(parsed, segment));
            }
        }
        if (byNode.isEmpty()) {
            return new AuditVerificationResult(0, 0, 0, List.of(),
                    new Problem(Kind.TRUNCATED_TAIL, "(none)", 0, 0, "no audit segment files"));
        }
        long events = 0;
        long checkpoints = 0;
        long unsigned = 0;
        for (Map.Entry<String, List<Named>> node : byNode.entrySet()) {
            List<Named> files = node.getValue();
            files.sort(Comparator.comparingLong(n -> n.parsed.startSeq()));
            ChainVerifier chain = new ChainVerifier(node.getKey(), publicKey);
            Problem problem = verifyNode(chain, files);
            events += chain.events();
            checkpoints += chain.checkpoints();
            unsigned += chain.unsignedTail();
            if (problem != null) {
                return new AuditVerificationResult(events, checkpoints, unsigned, List.copyOf(byNode.keySet()), problem);
            }
        }
        return new AuditVerificationResult(events, checkpoints, unsigned, List.copyOf(byNode.keySet()), null);
    }

    private Problem verifyNode(ChainVerifier chain, List<Named> files) throws IOException {
        for (int i = 0; i < files.size(); i++) {
            boolean lastFile = i == files.size() - 1;
            String name = files.get(i).parsed.fileName();
            try (LineReader reader = new LineReader(files.get(i).segment.open())) {
                LineReader.Line line = reader.next();
                while (line != null) {
                    LineReader.Line next = reader.next();
                    Problem problem = chain.accept(name, line, lastFile && next == null);
                    if (problem != null) {
                        return problem;
                    }
                    line = next;
                }
            }
        }
        return chain.finish(allowOpenTail);
    }

    private record Named(SegmentFiles.Segment parsed, AuditSegment segment) {
    }
}
