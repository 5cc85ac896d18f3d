package org.clinicaldatahub.hub.hl7.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.clinicaldatahub.hub.hl7.support.SyntheticHl7;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quick shape test may only say "plain" where HAPI's generic parser (configured as ingest's
 * was) accepts, and it must say so for what senders really send, or it saves nothing.
 */
class PlainEr7ShapeTest {

    private static final String MSH = "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ORU^R01|C1|P|2.5.1\r";
    private static final char[] MUTATIONS = {'\r', '\n', '|', '^', '~', '\\', '&', ' ', 'x', 'Z', '1', '\0'};

    private final Parser hapi = hapiGeneric();

    @Test
    void generatedMessagesOfEveryTypeAndVersionAreTakenAsPlainAndHapiAcceptsThem() {
        SyntheticHl7 generator = new SyntheticHl7(11, 40).zSegmentRate(0.3);
        for (int i = 0; i < 2_000; i++) {
            String text = generator.next().text();

            assertThat(isPlain(text)).as("plain: %s", describe(text)).isTrue();
            assertThat(hapiAccepts(text)).isTrue();
        }
    }

    @Test
    void goldenFixturesAreTakenAsPlain() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources/fixtures/deid"))) {
            List<Path> inputs = files.filter(p -> p.getFileName().toString().equals("input.hl7")).toList();
            assertThat(inputs).isNotEmpty();
            for (Path input : inputs) {
                String text = Files.readString(input, StandardCharsets.ISO_8859_1).replace("\r\n", "\r").replace('\n', '\r');
                assertThat(isPlain(text)).as(input.toString()).isEqualTo(hapiAccepts(text)).isTrue();
            }
        }
    }

    @Test
    void everyMutationTakenAsPlainIsOneHapiAccepts() {
        SyntheticHl7 generator = new SyntheticHl7(12, 40).zSegmentRate(0.3);
        Random random = new Random(12);
        int plain = 0;
        int refusedByHapi = 0;
        for (int i = 0; i < 20_000; i++) {
            String text = mutate(generator.next().text(), random);
            boolean accepted = hapiAccepts(text);
            if (!accepted) {
                refusedByHapi++;
            }
            if (isPlain(text)) {
                plain++;
                assertThat(accepted).as("taken as plain but refused by HAPI: %s", describe(text)).isTrue();
            }
        }
        // the mutations must reach both sides, or the test proves nothing
        assertThat(plain).isGreaterThan(5_000);
        assertThat(refusedByHapi).isGreaterThan(500);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        MSH + "GARBAGE LINE WITHOUT DELIMITERS\r",
        MSH + "PI D|1\r",
        MSH + "PIDX|1\r",
        MSH + "|PID|1\r",
        MSH + "PID^1\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ORU^|C1|P|2.5\rPID|1\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ORU|C1|P|2.5\rPID|1\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101|||C1|P|2.5\rPID|1\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ORU^R01|C1|P|2.9\rPID|1\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ORU^R01|C1|P|2.5 \rPID|1\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ORU^R01|C1|P\rPID|1\r",
    })
    void messagesHapiRefusesAreNeverTakenAsPlain(String text) {
        assertThat(hapiAccepts(text)).isFalse();
        assertThat(isPlain(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        MSH + "PID|1||123^^^HOSP^MR\rZPI|x\rOBX|1|TX|||a~b~c&d&e\\X0D\\ and \\.br\\\r",
        MSH + "PID|1\rPV1\r",
        MSH + "PID|1\r\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ADT^A01^ADT_A01|C1|P|2.3\rEVN|A01\rPID|1\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ORU^^ORU_R01|C1|P|2.5\rPID|1\r",
        "MSH|^~\\&|LAB|HOSP|HUB|CDH|20240101||ORU^R01|C1|P|2.5.1^USA\rPID|1\r",
    })
    void ordinaryMessagesAreTakenAsPlain(String text) {
        assertThat(hapiAccepts(text)).isTrue();
        assertThat(isPlain(text)).isTrue();
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            // edits near the start hit MSH and segment names, where the shape is decided
            int at = random.nextBoolean() ? random.nextInt(Math.min(out.length(), 120)) : random.nextInt(out.length());
            char c = MUTATIONS[random.nextInt(MUTATIONS.length)];
            switch (random.nextInt(3)) {
                case 0 -> out.setCharAt(at, c);
                case 1 -> out.insert(at, c);
                default -> out.deleteCharAt(at);
            }
        }
        return out.toString();
    }

    private static boolean isPlain(String text) {
        Optional<MshHeader> msh = MshHeader.read(text.getBytes(StandardCharsets.ISO_8859_1));
        return msh.isPresent() && PlainEr7Shape.isPlain(text, msh.get());
    }

    private boolean hapiAccepts(String text) {
        try {
            hapi.parse(text);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Test data is synthetic; the shape, not the content, is what a failure needs to show. */
    private static String describe(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static Parser hapiGeneric() {
        DefaultHapiContext generic = new DefaultHapiContext(new GenericModelClassFactory());
        generic.setValidationContext(ValidationContextFactory.noValidation());
        generic.getParserConfiguration().setValidating(false);
        return generic.getPipeParser();
    }
}
