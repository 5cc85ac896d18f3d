package org.clinicaldatahub.hub.deid.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.clinicaldatahub.hub.dicom.support.Dcmtk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a real PACS: the de-identified study is sent with DCMTK storescu to Orthanc
 * (Debian package orthanc, started here with a temporary configuration on free loopback ports),
 * which must accept every instance and index it under one pseudonymous patient, one new study
 * and three series, with none of the original identifiers.
 */
class DicomDeidOrthancTest {

    private static final Path ORTHANC = Path.of("/usr/sbin/Orthanc");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Process orthanc;
    static int httpPort;
    static int dicomPort;

    @BeforeAll
    static void startOrthanc() throws Exception {
        assumeThat(Files.isExecutable(ORTHANC) && Dcmtk.available()).as("orthanc and dcmtk installed").isTrue();
        httpPort = freePort();
        dicomPort = freePort();
        Path storage = Files.createDirectories(dir.resolve("orthanc-db"));
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, JSON.writeValueAsString(JSON.createObjectNode()
                .put("Name", "deid-test")
                .put("StorageDirectory", storage.toString())
                .put("IndexDirectory", storage.toString())
                .put("HttpPort", httpPort)
                .put("DicomPort", dicomPort)
                .put("DicomAet", "ORTHANC")
                .put("RemoteAccessAllowed", false)
                .put("AuthenticationEnabled", false)
                .put("DicomCheckCalledAet", true)
                .put("HttpServerEnabled", true)
                .put("StorageCompression", false)));
        orthanc = new ProcessBuilder(ORTHANC.toString(), config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 60000;
        while (true) {
            try {
                get("/system");
                return;
            } catch (java.io.IOException notYet) {
                assertThat(orthanc.isAlive()).as("Orthanc running").isTrue();
                assertThat(System.currentTimeMillis()).as("Orthanc answering").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stopOrthanc() throws Exception {
        if (orthanc != null) {
            orthanc.destroy();
            if (!orthanc.waitFor(15, TimeUnit.SECONDS)) {
                orthanc.destroyForcibly();
            }
        }
    }

    @Test
    void orthancAcceptsAndIndexesTheDeidentifiedStudy() throws Exception {
        DicomDeidProfile profile = DicomDeidProfile.load(Path.of("mappings/deid/dicom-basic.yaml"));
        TestPseudonymizer pseudonymizer = new TestPseudonymizer();
        List<String> outputs = new ArrayList<>();
        for (Path input : PhiStudy.write(dir.resolve("in"))) {
            Path output = dir.resolve("deid-" + input.getFileName());
            try (OutputStream out = Files.newOutputStream(output)) {
                new DicomDeidentifier(profile, pseudonymizer).deidentify(input, out);
            }
            outputs.add(output.toString());
        }
        List<String> command = new ArrayList<>(List.of("storescu", "-aet", "HUBDEID", "-aec", "ORTHANC", "localhost",
                Integer.toString(dicomPort)));
        command.addAll(outputs);
        Dcmtk.Result store = Dcmtk.run(command);
        assertThat(store.exitCode()).as(store.output()).isZero();
        assertThat(store.output()).doesNotContain("Status");

        JsonNode instances = get("/instances");
        assertThat(instances).hasSize(outputs.size());
        assertThat(get("/series")).hasSize(3);
        assertThat(get("/studies")).hasSize(1);
        JsonNode patients = get("/patients");
        assertThat(patients).hasSize(1);
        JsonNode patient = get("/patients/" + patients.get(0).asText());
        assertThat(patient.path("MainDicomTags").path("PatientID").asText())
                .isEqualTo(pseudonymizer.patient(PhiStudy.PATIENT_ID, PhiStudy.ISSUER));
        String everything = instances.toString() + patient + get("/studies/" + get("/studies").get(0).asText());
        for (String id : List.of(instances.get(0).asText(), instances.get(instances.size() - 1).asText())) {
            everything += get("/instances/" + id + "/simplified-tags");
        }
        for (String phi : PhiStudy.FAKE_PHI) {
            assertThat(everything).as("%s indexed by Orthanc", phi).doesNotContainIgnoringCase(phi);
        }
        System.out.println("Orthanc accepted " + instances.size() + " de-identified instances: 1 patient, 1 study, "
                + "3 series");
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
