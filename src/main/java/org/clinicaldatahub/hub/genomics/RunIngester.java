package org.clinicaldatahub.hub.genomics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.audit.AuditRecorder;
import org.clinicaldatahub.hub.deid.Pseudonymizer;
import org.clinicaldatahub.hub.storage.ChecksumMismatchException;
import org.clinicaldatahub.hub.storage.FileChangedException;
import org.clinicaldatahub.hub.storage.MultipartUpload;
import org.clinicaldatahub.hub.storage.StoredObject;
import org.clinicaldatahub.hub.storage.TieredStore;
import org.clinicaldatahub.hub.storage.UploadJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ingests one ready run folder or loose file (bean {@code runIngester}): refuses symlinks, paths
 * escaping the drop directory and unreadable files; recognises a run already in the store (its
 * manifest) and does not upload it again; streams every file into instrument-staging, verified
 * against its checksum sidecar; stores the manifest last; writes the de-identified sample sheet,
 * VCF and BAM copies into research-active; then moves the run to the done area (or marks it). A
 * refused run goes to the error area with a reason file. Every outcome is audited and counted.
 *
 * <p>The exchange body becomes the run event (JSON) when the run was ingested, and the header
 * {@value #OUTCOME_HEADER} says what happened: {@code ingested}, {@code duplicate}, {@code refused}
 * or {@code retry} (left in place: a file changed while it was read, or the store failed).
 */
@Component("runIngester")
public class RunIngester {

    public static final String OUTCOME_HEADER = "hubGenomicsOutcome";
    private static final String ITEM_PROPERTY = "hubGenomicsDropItem";
    private static final Logger LOG = LoggerFactory.getLogger(RunIngester.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TieredStore store;
    private final Pseudonymizer pseudonymizer;
    private final GenomicsProperties properties;
    private final GenomicsMetrics metrics;
    private final GenomicsDeidPolicy policy;
    private final RunFolderScanner scanner;
    private final GenomicsAudit audit;
    private final DropAreas areas;
    private final RunUploader uploader;
    private final RunDeidentifier deidentifier;

    public RunIngester(TieredStore store, Pseudonymizer pseudonymizer, AuditRecorder recorder,
            GenomicsProperties properties, GenomicsMetrics metrics, GenomicsDeidPolicy genomicsDeidPolicy,
            RunFolderScanner scanner) {
        this.store = store;
        this.pseudonymizer = pseudonymizer;
        this.properties = properties;
        this.metrics = metrics;
        this.policy = genomicsDeidPolicy;
        this.scanner = scanner;
        this.audit = new GenomicsAudit(recorder);
        this.areas = new DropAreas(properties, Clock.systemUTC());
        this.uploader = new RunUploader(store, properties, metrics,
                UploadJournal.inDirectory(properties.getStateDir().resolve("uploads")));
        this.deidentifier = new RunDeidentifier(store, pseudonymizer, properties);
    }

    /** What became of a drop item; {@code event} is set when it was ingested. */
    public record Result(String outcome, String runId, byte[] event, StoredObject manifest) {
    }

    /** For the route: body {@link DropItem} in, run event out, outcome and references in headers. */
    public void ingest(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        Message message = exchange.getMessage();
        DropItem item = message.getMandatoryBody(DropItem.class);
        Result result = ingest(item);
        exchange.setProperty(ITEM_PROPERTY, item);
        message.setHeader(HubHeaders.CHANNEL, GenomicsAudit.ROUTE);
        message.setHeader(OUTCOME_HEADER, result.outcome());
        if (result.manifest() != null) {
            message.setHeader(HubHeaders.BUCKET, result.manifest().bucket());
            message.setHeader(HubHeaders.OBJECT_KEY, result.manifest().key());
            message.setHeader(HubHeaders.SHA256, result.manifest().sha256());
        }
        message.setHeader("kafka.KEY", result.runId());
        message.setBody(result.event());
    }

    public Result ingest(DropItem item) {
        String runId = fallbackRunId(item);
        try {
            if (item.kind() == DropItem.Kind.SYMLINK) {
                throw new RunRefusedException("GENOMICS_SYMLINK", item.name() + " is a symbolic link");
            }
            RunMetadata run = item.kind() == DropItem.Kind.RUN_FOLDER ? RunMetadata.ofRunFolder(item.path())
                    : new RunMetadata(runId, "loose", "", "");
            runId = run.runId();
            List<RunFiles.RunFile> files = item.kind() == DropItem.Kind.RUN_FOLDER
                    ? RunFiles.ofRunFolder(item.path(), item.dropDir()) : RunFiles.ofLooseFile(item.path(), item.dropDir());
            audit.received(runId, run.platform());
            return ingest(item, run, files);
        } catch (RunRefusedException refused) {
            return refuse(item, runId, refused.reasonCode(), refused.getMessage());
        } catch (ChecksumMismatchException mismatch) {
            return refuse(item, runId, "GENOMICS_CHECKSUM_MISMATCH", mismatch.getMessage());
        } catch (FileChangedException changed) {
            // still being written after all: leave it, it is taken again once it has settled
            scanner.forget(item.path());
            audit.rejected(runId, "GENOMICS_FILE_CHANGED");
            metrics.run("retry");
            LOG.warn("Run {}: a file changed while it was uploaded; left in place, retried when stable", runId);
            return new Result("retry", runId, null, null);
        } catch (IOException | RuntimeException failure) {
            audit.error(runId, "GENOMICS_UPLOAD_FAILED");
            metrics.run("retry");
            LOG.warn("Run {} not ingested ({}); left in place and retried at the next scan", runId,
                    failure.getClass().getSimpleName());
            return new Result("retry", runId, null, null);
        }
    }

    private Result ingest(DropItem item, RunMetadata run, List<RunFiles.RunFile> files)
            throws IOException, RunRefusedException {
        String runId = run.runId();
        String manifestKey = uploader.key(runId, "manifest.json");
        RunManifest previous = previousManifest(manifestKey);
        Path pendingEvent = pendingEvent(runId);
        if (previous != null && Files.isRegularFile(pendingEvent)) {
            // stored before, but the event never made it to Kafka: publish it now, upload nothing
            StoredObject manifestObject = new StoredObject(properties.getDataClass(), store.bucketOf(properties.getDataClass()),
                    manifestKey, store.storedSha256(properties.getDataClass(), manifestKey).orElse(null), 0);
            return new Result("ingested", runId, Files.readAllBytes(pendingEvent), manifestObject);
        }
        if (previous != null) {
            if (!previous.sameFilesAs(files)) {
                throw new RunRefusedException("GENOMICS_RUN_ID_CONFLICT", "run " + runId
                        + " is already in the store with other files or sizes (see its manifest " + manifestKey + ")");
            }
            areas.done(item);
            audit.rejected(runId, "GENOMICS_RUN_ALREADY_INGESTED");
            metrics.run("duplicate");
            LOG.info("Run {} is already in the store; not uploaded again", runId);
            return new Result("duplicate", runId, null, null);
        }
        RunProgress progress = RunProgress.load(properties.getStateDir(), runId);
        List<RunManifest.Entry> entries = uploader.upload(runId, files, progress);
        String marker = item.kind() == DropItem.Kind.RUN_FOLDER ? scanner.completionMarker(item.path()) : null;
        RunManifest manifest = new RunManifest(runId, run.platform(), run.instrument(), run.flowCell(), marker,
                store.bucketOf(properties.getDataClass()), entries, store.hubVersion(), java.time.Instant.now().toString());
        StoredObject manifestObject = store.put(properties.getDataClass(), properties.getChannel(),
                runId + "/manifest.json", manifest.toJson(), Map.of("run-id", runId, "source-system", "sequencer"));
        audit.stored(runId, manifestObject);
        SamplePseudonyms pseudonyms = new SamplePseudonyms(pseudonymizer, policy);
        List<RunDeidentifier.Copy> copies = deidentifier.copies(runId, files, pseudonyms);
        copies.forEach(copy -> audit.deidentified(runId, copy.stored()));
        byte[] event = event(manifest, manifestObject, copies, pseudonyms);
        Files.createDirectories(pendingEvent.getParent());
        Files.write(pendingEvent, event);
        progress.delete();
        LOG.info("Run {} stored: {} file(s), {} de-identified copies", runId, entries.size(), copies.size());
        return new Result("ingested", runId, event, manifestObject);
    }

    /**
     * After the run event is on Kafka: the run leaves the drop directory (or is marked) and its
     * pending event is forgotten. Until then a restart publishes the event again (at least once)
     * but never uploads the run again.
     */
    public void finish(Exchange exchange) throws IOException {
        DropItem item = exchange.getProperty(ITEM_PROPERTY, DropItem.class);
        String runId = exchange.getMessage().getHeader("kafka.KEY", String.class);
        areas.done(item);
        Files.deleteIfExists(pendingEvent(runId));
        metrics.run("ingested");
        LOG.info("Run {} ingested and published", runId);
    }

    private Path pendingEvent(String runId) {
        return properties.getStateDir().resolve("events").resolve(runId + ".json");
    }

    private RunManifest previousManifest(String manifestKey) throws IOException {
        if (store.storedSha256(properties.getDataClass(), manifestKey).isEmpty()) {
            return null;
        }
        var dataClass = store.policy().dataClass(properties.getDataClass());
        return RunManifest.parse(store.client(dataClass)
                .getObjectAsBytes(r -> r.bucket(dataClass.bucket()).key(manifestKey)).asByteArray());
    }

    private Result refuse(DropItem item, String runId, String reasonCode, String reason) {
        try {
            areas.error(item, reasonCode, reason);
        } catch (IOException e) {
            LOG.error("Run {} refused ({}) but could not be moved to the error area: {}", runId, reasonCode,
                    e.getClass().getSimpleName());
        }
        audit.rejected(runId, reasonCode);
        metrics.run("refused");
        LOG.warn("Run {} refused: {}; moved to the error area with a reason file", runId, reasonCode);
        return new Result("refused", runId, null, null);
    }

    /** Before the run is read: a keyed pseudonym of the entry's name (names can carry patient names). */
    private String fallbackRunId(DropItem item) {
        return (item.kind() == DropItem.Kind.RUN_FOLDER ? "drop-" : "loose-")
                + pseudonymizer.pseudonym("genomics-file", item.name()).toLowerCase(java.util.Locale.ROOT);
    }

    private byte[] event(RunManifest manifest, StoredObject manifestObject, List<RunDeidentifier.Copy> copies,
            SamplePseudonyms pseudonyms) throws IOException {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "genomics.run.ingested");
        event.put("runId", manifest.runId());
        event.put("platform", manifest.platform());
        event.put("instrument", manifest.instrument());
        event.put("flowCell", manifest.flowCell());
        event.put("bucket", manifestObject.bucket());
        event.put("manifestKey", manifestObject.key());
        event.put("manifestSha256", manifestObject.sha256());
        List<Map<String, Object>> files = new ArrayList<>();
        for (RunManifest.Entry entry : manifest.files()) {
            files.add(Map.of("path", entry.path(), "key", entry.key(), "size", entry.size(), "sha256", entry.sha256()));
        }
        event.put("files", files);
        event.put("samplePseudonyms", pseudonyms.pseudonyms());
        List<Map<String, Object>> deidentified = new ArrayList<>();
        for (RunDeidentifier.Copy copy : copies) {
            deidentified.add(Map.of("source", copy.sourcePath(), "bucket", copy.stored().bucket(),
                    "key", copy.stored().key(), "sha256", copy.stored().sha256()));
        }
        event.put("deidentified", deidentified);
        event.put("ingestedAt", manifest.ingestedAt());
        return JSON.writeValueAsBytes(event);
    }

    /** Parts found on the server when uploads resumed, since start-up. */
    public int resumedParts() {
        return uploader.resumedParts();
    }

    /** Called after every uploaded part; for tests that change a file in the middle of its upload. */
    void onPart(MultipartUpload.ProgressListener hook) {
        uploader.onPart(hook);
    }
}
