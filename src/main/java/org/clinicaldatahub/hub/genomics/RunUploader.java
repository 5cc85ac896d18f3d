package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.clinicaldatahub.hub.storage.MultipartUpload;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.storage.UploadJournal;

/**
 * Streams the files of a run into instrument-staging, one after the other, each checked against
 * its sidecar before the upload is completed; skips files a previous attempt finished (same size
 * and modification time) and resumes the one it was in the middle of. Memory per upload: {@code upload-concurrency + 1} parts.
 */
final class RunUploader {

    private final TieredStore store;
    private final GenomicsProperties properties;
    private final GenomicsMetrics metrics;
    private final UploadJournal journal;
    private final AtomicInteger resumedParts = new AtomicInteger();
    private volatile MultipartUpload.ProgressListener partHook = MultipartUpload.ProgressListener.NONE;

    RunUploader(TieredStore store, GenomicsProperties properties, GenomicsMetrics metrics, UploadJournal journal) {
        this.store = store;
        this.properties = properties;
        this.metrics = metrics;
        this.journal = journal;
    }

    /** The object key of a file of a run: {@code <channel>/<run id>/<path in the run>} by the data class layout. */
    String key(String runId, String relativePath) {
        return store.keyFor(properties.getDataClass(), properties.getChannel(), runId + "/" + relativePath);
    }

    List<RunManifest.Entry> upload(String runId, List<RunFiles.RunFile> files, RunProgress progress) throws IOException {
        List<RunManifest.Entry> entries = new ArrayList<>(files.size());
        for (RunFiles.RunFile file : files) {
            long modified = Files.getLastModifiedTime(file.file(), LinkOption.NOFOLLOW_LINKS).toMillis();
            RunProgress.Done done = progress.find(file.relativePath(), file.size(), modified);
            if (done == null) {
                StoredObject stored = uploadOne(runId, file);
                done = new RunProgress.Done(stored.key(), stored.size(), modified, stored.sha256(), file.expectedMd5());
                progress.record(file.relativePath(), done);
            }
            entries.add(new RunManifest.Entry(file.relativePath(), done.key(), done.size(), done.sha256(), done.md5()));
        }
        return entries;
    }

    private StoredObject uploadOne(String runId, RunFiles.RunFile file) throws IOException {
        MultipartUpload.ProgressListener hook = partHook;
        MultipartUpload.Options options = MultipartUpload.Options.partSize(properties.getPartSize().toBytes())
                .withConcurrency(properties.getUploadConcurrency())
                .withJournal(journal)
                .withExpected(file.expectedSha256(), file.expectedMd5())
                .withProgress((part, bytes, resumed) -> {
                    if (resumed) {
                        resumedParts.incrementAndGet();
                    } else {
                        metrics.uploaded(bytes);
                    }
                    hook.partDone(part, bytes, resumed);
                });
        long started = System.nanoTime();
        metrics.fileStarted();
        try {
            return store.putFileStreaming(properties.getDataClass(), key(runId, file.relativePath()),
                    properties.getChannel(), file.file(), Map.of("run-id", runId, "source-system", "sequencer"), options);
        } finally {
            metrics.fileFinished(file.size(), System.nanoTime() - started);
        }
    }

    /** Parts found already on the server when an upload resumed, since start-up. */
    int resumedParts() {
        return resumedParts.get();
    }

    /** Called after every part of every file (the metrics use it; tests use it to change a file mid-upload). */
    void onPart(MultipartUpload.ProgressListener hook) {
        this.partHook = hook == null ? MultipartUpload.ProgressListener.NONE : hook;
    }
}
