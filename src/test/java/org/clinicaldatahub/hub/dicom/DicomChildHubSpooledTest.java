package org.clinicaldatahub.hub.dicom;

import java.time.Duration;

/**
 * {@link DicomChildHubTest}'s outage test on a hub with {@code hub.dicom.acknowledge-after:
 * spooled}: every instance is acknowledged from the spool, the drain (woken per instance) uploads
 * it and publishes its event; with the object store cut off mid-run, all of them still reach S3
 * exactly once, with one stored event each. The store is 50 ms away (round trip), so a drain round
 * of parallel uploads can last longer than the drain interval (500 ms): a round that let the next one
 * start before its uploads ended would upload and publish instances twice. The gigabyte test is not
 * repeated (the spool only renames the received file; the upload is the same multipart code).
 */
class DicomChildHubSpooledTest extends DicomChildHubTest {

    @Override
    Duration storeDelay() {
        return Duration.ofMillis(25);
    }

    @Override
    String acknowledgeAfter() {
        return "spooled";
    }

    @Override
    void aGigabyteMultiFrameInstanceIsStoredByteIdenticalWithin256MbOfHeap() {
        // not a test here: see the class comment
    }
}
