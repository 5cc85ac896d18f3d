package org.clinicaldatahub.hub.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.HdrHistogram.Histogram;
import org.clinicaldatahub.hub.hl7.support.Ack;
import org.clinicaldatahub.hub.hl7.support.MllpClient;
import org.clinicaldatahub.hub.hl7.support.SyntheticHl7;

/**
 * One benchmark connection: keeps up to {@code window} messages in flight, reads the ACKs in
 * order (MLLP answers in order on one connection) and checks each is {@code AA} with MSA-2 equal
 * to the MSH-10 sent (HL7 v2 chapter 2, MSA).
 */
final class BenchConnection implements Callable<BenchConnection.Stats> {

    /** Outcome of one connection's measured phase; latencies in microseconds. */
    static final class Stats {
        final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        long ok;
        long mismatched;
        long unreadable;
        long unanswered;
        final Map<String, Long> nonAccept = new TreeMap<>();
        final List<String> errors = new ArrayList<>();

        long nonAcceptTotal() {
            return nonAccept.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private record InFlight(String controlId, long sentNanos) {
    }

    private final BenchConfig config;
    private final int index;
    private final SyntheticHl7 generator;
    private final CountDownLatch warmedUp;
    private final CountDownLatch go;
    private final AtomicLong progress;

    BenchConnection(BenchConfig config, int index, SyntheticHl7 generator, CountDownLatch warmedUp,
            CountDownLatch go, AtomicLong progress) {
        this.config = config;
        this.index = index;
        this.generator = generator;
        this.warmedUp = warmedUp;
        this.go = go;
        this.progress = progress;
    }

    @Override
    public Stats call() throws InterruptedException {
        Stats measured = new Stats();
        int warm = config.share(config.warmup(), index);
        int count = config.share(config.messages(), index);
        MllpClient client = null;
        boolean counted = false;
        try {
            // Generated up front so the measured phase spends the client's CPU on the wire, not on
            // building messages: client and hub share the same two cores.
            Iterator<SyntheticHl7.Message> messages = prepare(warm + count).iterator();
            client = connect();
            run(client, messages, warm, new Stats(), false);
            warmedUp.countDown();
            counted = true;
            go.await();
            run(client, messages, count, measured, true);
        } catch (IOException | RuntimeException e) {
            measured.errors.add("connection " + index + ": " + e);
            long answered = measured.ok + measured.mismatched + measured.unreadable + measured.nonAcceptTotal();
            measured.unanswered = count - answered;
        } finally {
            if (!counted) {
                warmedUp.countDown();
                go.await();
            }
            if (client != null) {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // closing after the run
                }
            }
        }
        return measured;
    }

    private MllpClient connect() throws IOException {
        Duration timeout = Duration.ofSeconds(10);
        if (config.tls()) {
            Socket s = SSLSocketFactory.getDefault().createSocket();
            s.connect(new InetSocketAddress(config.host(), config.port()), (int) timeout.toMillis());
            return new MllpClient(s);
        }
        return MllpClient.connect(config.host(), config.port(), timeout);
    }

    private List<SyntheticHl7.Message> prepare(int total) {
        List<SyntheticHl7.Message> messages = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            messages.add(generator.next());
        }
        return messages;
    }

    private void run(MllpClient client, Iterator<SyntheticHl7.Message> messages, int count, Stats stats,
            boolean record) throws IOException {
        ArrayDeque<InFlight> inFlight = new ArrayDeque<>(config.window());
        List<byte[]> batch = new ArrayList<>(config.window());
        List<String> ids = new ArrayList<>(config.window());
        int sent = 0;
        int done = 0;
        while (done < count) {
            int room = Math.min(config.window() - inFlight.size(), count - sent);
            if (room > 0) {
                batch.clear();
                ids.clear();
                for (int i = 0; i < room; i++) {
                    SyntheticHl7.Message m = messages.next();
                    ids.add(m.controlId());
                    batch.add(m.bytes());
                }
                long now = System.nanoTime(); // after generating: latency covers the wire and the hub only
                for (String id : ids) {
                    inFlight.add(new InFlight(id, now));
                }
                if (room == 1) {
                    client.send(batch.get(0));
                } else {
                    client.sendPipelined(batch);
                }
                sent += room;
            }
            byte[] frame = client.readFrame(config.ackTimeout());
            InFlight expected = inFlight.poll();
            long latencyNanos = System.nanoTime() - expected.sentNanos();
            done++;
            if (record) {
                stats.latencyMicros.recordValue(Math.max(1, latencyNanos / 1_000));
                progress.incrementAndGet();
            }
            check(frame, expected, stats);
        }
    }

    private static void check(byte[] frame, InFlight expected, Stats stats) {
        Ack ack;
        try {
            // MSA-1/2 are ASCII; Latin-1 decodes any byte, so a UTF-8 ACK cannot make this fail.
            ack = Ack.parse(frame, StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            stats.unreadable++;
            return;
        }
        if (!"AA".equals(ack.code())) {
            stats.nonAccept.merge(ack.code().isEmpty() ? "(empty)" : ack.code(), 1L, Long::sum);
        } else if (!expected.controlId().equals(ack.ackedControlId())) {
            stats.mismatched++;
        } else {
            stats.ok++;
        }
    }
}
