package org.clinicaldatahub.hub.audit;

import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The audit trail as shipped to the WORM bucket, presented to {@link AuditVerifier} as one
 * segment per node: the node's batch objects in sequence order, streamed one after the other.
 *
 * <p>A batch shipped twice (the hub stopped between the put and the cursor update) may come back
 * longer, as more events were signed meanwhile; both objects start at the same sequence number,
 * so the longer one is used and the shorter one, wholly covered by it, is skipped. Anything else
 * (a gap, an overlap that is not a repeat) is left in place for the verifier to report.
 */
public final class AuditBucketSegments {

    private static final Pattern OBJECT = Pattern.compile("(?:.*/)?([A-Za-z0-9._-]{1,64})-(\\d{20})-(\\d{20})\\.log(?:\\.gz)?");

    private record Batch(String key, String node, long from, long to) {
    }

    private AuditBucketSegments() {
    }

    /** Lists {@code prefix} in {@code bucket} and returns one segment per node found. */
    public static List<AuditSegment> read(S3Client s3, String bucket, String prefix) {
        Map<String, List<Batch>> byNode = new TreeMap<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            Matcher name = OBJECT.matcher(object.key());
            if (name.matches()) {
                Batch batch = new Batch(object.key(), name.group(1), Long.parseLong(name.group(2)),
                        Long.parseLong(name.group(3)));
                byNode.computeIfAbsent(batch.node(), n -> new ArrayList<>()).add(batch);
            }
        }
        List<AuditSegment> segments = new ArrayList<>();
        byNode.forEach((node, batches) -> segments.add(segment(s3, bucket, node, withoutRepeats(batches))));
        return segments;
    }

    static List<Batch> withoutRepeats(List<Batch> batches) {
        List<Batch> sorted = new ArrayList<>(batches);
        sorted.sort(Comparator.comparingLong(Batch::from).thenComparing(Comparator.comparingLong(Batch::to).reversed()));
        List<Batch> kept = new ArrayList<>();
        long coveredTo = Long.MIN_VALUE;
        for (Batch batch : sorted) {
            boolean repeat = !kept.isEmpty() && batch.from() == kept.get(kept.size() - 1).from() && batch.to() <= coveredTo;
            if (!repeat) {
                kept.add(batch);
                coveredTo = Math.max(coveredTo, batch.to());
            }
        }
        return kept;
    }

    private static AuditSegment segment(S3Client s3, String bucket, String node, List<Batch> batches) {
        String name = String.format("%s-%020d.log", node, batches.get(0).from());
        return new AuditSegment() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public InputStream open() {
                Iterator<Batch> next = batches.iterator();
                // each object is fetched only when the previous one has been read: memory stays flat
                return new SequenceInputStream(new Enumeration<InputStream>() {
                    @Override
                    public boolean hasMoreElements() {
                        return next.hasNext();
                    }

                    @Override
                    public InputStream nextElement() {
                        String key = next.next().key();
                        InputStream object = s3.getObject(b -> b.bucket(bucket).key(key));
                        if (!key.endsWith(".gz")) {
                            return object;
                        }
                        try {
                            return new java.util.zip.GZIPInputStream(object, 64 * 1024);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException("audit object " + key + " is not gzip", e);
                        }
                    }
                });
            }
        };
    }
}
