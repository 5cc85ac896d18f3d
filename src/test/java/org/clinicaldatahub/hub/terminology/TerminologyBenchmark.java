package org.clinicaldatahub.hub.terminology;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ca.uhn.hl7v2.parser.Parser;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.clinicaldatahub.hub.HubHeaders;
import org.clinicaldatahub.hub.terminology.internal.IcdLoaders;
import org.clinicaldatahub.hub.terminology.internal.LoadedTables;
import org.clinicaldatahub.hub.terminology.internal.LoincLoader;
import org.clinicaldatahub.hub.terminology.internal.SnomedLoaders;
import org.clinicaldatahub.hub.terminology.internal.TerminologyManifest;

/**
 * Numbers for BENCHMARKS.md (issue 5, must show 5), on one thread, CPU time measured per thread:
 * <ol>
 * <li>loading 100,000-row tables: the shipped ICD-10-CM order file (95,358 rows), a synthetic
 *     LOINC {@code Loinc.csv} of 100,000 rows (40 columns) and a synthetic RF2 snapshot of
 *     100,000 concepts / 200,000 descriptions, each through the loader the hub uses;</li>
 * <li>code lookups ({@link TerminologyIndex#translate}) against the shipped index, mixed GEM,
 *     curated, same-system and unknown codes;</li>
 * <li>the {@code mapTerminology} step (mapping in the ER7 text) on an ORU^R01 and on a
 *     de-identified ADT^A08 as the research feed maps it, beside HAPI's parse + encode of the same
 *     message (what the step paid before it stopped parsing).</li>
 * </ol>
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.clinicaldatahub.hub.terminology.TerminologyBenchmark
 * </pre>
 */
public final class TerminologyBenchmark {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private TerminologyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "terminology-bench");
        Path loinc = SyntheticReleases.loinc(work, Map.of(), 100_000);
        Path rf2 = SyntheticReleases.rf2(work, Map.of(), 100_000, List.of());
        Path icd10cm = Path.of("terminology/reference/icd10cm-order-fy2021.csv");
        System.out.printf("load avg at start: %.1f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int round = 1; round <= 5; round++) {
            long[] a = time(() -> IcdLoaders.icd10cmOrder(icd10cm, null).size());
            long[] b = time(() -> LoincLoader.load(loinc, null).size());
            long[] c = time(() -> SnomedLoaders.rf2Snapshot(rf2.resolve("sct2_Concept_Snapshot_INT_20240301.txt"),
                    List.of(rf2.resolve("sct2_Description_Snapshot-en_INT_20240301.txt")), null).size());
            System.out.printf("round %d load: ICD-10-CM order %d rows %d ms (cpu %d ms) | LOINC %d rows %d ms (cpu %d ms) | "
                    + "RF2 %d concepts %d ms (cpu %d ms)%n", round, a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2]);
        }
        long[] all = time(() -> {
            LoadedTables tables = TerminologyManifest.load(Path.of("terminology"));
            return TerminologyIndex.build(tables.codeSystems, tables.codeSystemInfo, tables.conceptMaps, tables.conceptMapInfo, false)
                    .translationCount();
        });
        System.out.printf("whole shipped terminology/ (161k code rows, 24.9k map rows) into an index: %d ms (cpu %d ms)%n", all[1], all[2]);

        lookups();
        mappingStep();
    }

    private static void lookups() throws Exception {
        LoadedTables tables = TerminologyManifest.load(Path.of("terminology"));
        TerminologyIndex index = TerminologyIndex.build(tables.codeSystems, tables.codeSystemInfo, tables.conceptMaps,
                tables.conceptMapInfo, false);
        List<String[]> requests = new ArrayList<>();
        Random random = new Random(5);
        List<String> icd9 = new ArrayList<>(index.codeSystem(StandardSystems.ICD9CM).concepts().keySet());
        List<String> icd10 = new ArrayList<>(index.codeSystem(StandardSystems.ICD10CM).concepts().keySet());
        String lab = "http://north-hospital.example.org/fhir/CodeSystem/lab";
        String[] labCodes = {"GLU", "K", "NA", "CREA", "HGB", "WBC", "PLT", "UNKNOWN1", "UNKNOWN2"};
        for (int i = 0; i < 1 << 16; i++) {
            switch (random.nextInt(4)) {
                case 0 -> requests.add(new String[] {StandardSystems.ICD9CM, icd9.get(random.nextInt(icd9.size())), StandardSystems.ICD10CM});
                case 1 -> requests.add(new String[] {StandardSystems.ICD10CM, icd10.get(random.nextInt(icd10.size())), StandardSystems.ICD10CM});
                case 2 -> requests.add(new String[] {lab, labCodes[random.nextInt(labCodes.length)], StandardSystems.LOINC});
                default -> requests.add(new String[] {StandardSystems.ICD9CM, "X" + random.nextInt(100000), StandardSystems.ICD10CM});
            }
        }
        // codes as they arrive in messages are new strings each time (hash not cached)
        String[][] fresh = new String[requests.size()][];
        for (int round = 1; round <= 5; round++) {
            for (int i = 0; i < fresh.length; i++) {
                String[] r = requests.get(i);
                fresh[i] = new String[] {r[0], new String(r[1].toCharArray()), r[2]};
            }
            long n = 0;
            int mapped = 0;
            long cpu0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < 2_000_000_000L) {
                for (String[] r : fresh) {
                    if (index.translate(r[0], r[1], r[2]).outcome() == MappingOutcome.MAPPED) {
                        mapped++;
                    }
                }
                n += fresh.length;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9;
            System.out.printf("round %d lookups: %,d in %.2f s wall (%.2f s cpu) = %,.0f lookups/s wall, %,.0f per cpu-second (%d mapped)%n",
                    round, n, seconds, cpuSeconds, n / seconds, n / cpuSeconds, mapped);
        }
    }

    private static void mappingStep() throws Exception {
        TerminologyTestSupport terminology = TerminologyTestSupport.shipped().start();
        DefaultCamelContext camel = new DefaultCamelContext();
        stepRounds(terminology, camel, "ORU^R01 golden input (6 coded fields, 2 added)",
                "src/test/resources/fixtures/terminology/oru-r01-local-lab/input.hl7");
        stepRounds(terminology, camel, "ADT^A08 as the research feed maps it (de-identified, DG1 already ICD-10-CM)",
                "src/test/resources/fixtures/deid/adt-a08/expected.hl7");
        terminology.stop();
    }

    /**
     * The step's CPU per message, beside HAPI's parse + encode of the same message: what the step
     * cost before it mapped in the ER7 text (parse, map, re-encode), less the mapping itself.
     */
    private static void stepRounds(TerminologyTestSupport terminology, DefaultCamelContext camel, String name, String file)
            throws Exception {
        Parser parser = TerminologyTestSupport.hl7Parser();
        byte[] message = Files.readString(Path.of(file)).replace("\n", "\r").getBytes(StandardCharsets.UTF_8);
        for (int round = 1; round <= 5; round++) {
            int n = 20_000;
            long cpu0 = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                parser.encode(parser.parse(new String(message, StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
            }
            double hapi = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
            cpu0 = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                Exchange exchange = new DefaultExchange(camel);
                exchange.getMessage().setBody(message);
                exchange.getMessage().setHeader(HubHeaders.CHARSET, "UTF-8");
                terminology.mapTerminology.process(exchange);
            }
            double step = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
            System.out.printf("round %d %s: mapTerminology step %.1f us cpu (%.0f msg/s per core); HAPI parse+encode alone "
                    + "%.1f us cpu%n", round, name, step, 1e6 / step, hapi);
        }
    }

    private interface Work {
        long run() throws Exception;
    }

    /** {rows, wall ms, cpu ms}. */
    private static long[] time(Work work) throws Exception {
        long cpu0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long rows = work.run();
        return new long[] {rows, (System.nanoTime() - t0) / 1_000_000, (CPU.getCurrentThreadCpuTime() - cpu0) / 1_000_000};
    }
}
