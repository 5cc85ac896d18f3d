package org.clinicaldatahub.hub.genomics;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Makes the de-identified copy of a VCF (VCFv4.x, plain or BGZF-compressed), streaming: the sample
 * columns of the {@code #CHROM} line and the {@code ID} of every {@code ##SAMPLE=<...>} line become
 * the samples' pseudonyms, {@code ##SAMPLE} keys the policy does not keep are dropped, and every
 * other meta line is scrubbed of the original sample names and of patient identifiers (command
 * lines and file paths name samples). Records are genotypes only and are copied unchanged.
 * A compressed input gives a BGZF output, so bcftools and tabix can index the copy.
 */
public final class VcfDeidentifier {

    private VcfDeidentifier() {
    }

    /** Whether a file name is a VCF this class de-identifies. */
    public static boolean isVcf(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".vcf") || lower.endsWith(".vcf.gz") || lower.endsWith(".vcf.bgz");
    }

    public static void deidentify(Path vcf, Path copy, SamplePseudonyms pseudonyms) throws IOException {
        boolean compressed = isGzip(vcf);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(vcf), 1 << 16);
                BufferedReader in = new BufferedReader(new InputStreamReader(
                        compressed ? new GZIPInputStream(raw, 1 << 16) : raw, StandardCharsets.UTF_8), 1 << 16);
                OutputStream file = Files.newOutputStream(copy);
                Writer out = new BufferedWriter(new OutputStreamWriter(
                        compressed ? new BgzfOutputStream(file) : file, StandardCharsets.UTF_8), 1 << 16)) {
            List<String> meta = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && line.startsWith("##")) {
                meta.add(line);
            }
            if (line != null && line.startsWith("#CHROM")) {
                String[] columns = line.split("\t", -1);
                for (int i = 9; i < columns.length; i++) {
                    columns[i] = pseudonyms.sample(columns[i]);
                }
                // ##SAMPLE ids first, so their names are known before any other line is scrubbed
                List<String> sampleLines = new ArrayList<>();
                for (String m : meta) {
                    if (m.startsWith("##SAMPLE=<")) {
                        sampleLines.add(sampleLine(m, pseudonyms));
                    }
                }
                int sample = 0;
                for (String m : meta) {
                    out.write(m.startsWith("##SAMPLE=<") ? sampleLines.get(sample++) : pseudonyms.scrub(m));
                    out.write('\n');
                }
                out.write(String.join("\t", columns));
                out.write('\n');
            } else {
                throw new IOException("not a VCF: no #CHROM header line");
            }
            char[] buffer = new char[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        }
    }

    /** {@code ##SAMPLE=<ID=x,Key=value,...>} with the id pseudonymized and only the policy's keys kept. */
    static String sampleLine(String line, SamplePseudonyms pseudonyms) {
        String body = line.substring("##SAMPLE=<".length(), line.endsWith(">") ? line.length() - 1 : line.length());
        List<String> kept = new ArrayList<>();
        for (String field : splitFields(body)) {
            int eq = field.indexOf('=');
            String key = eq < 0 ? field : field.substring(0, eq);
            if (!pseudonyms.policy().sampleLineKeys().contains(key)) {
                continue;
            }
            kept.add(key.equals("ID") && eq > 0 ? "ID=" + pseudonyms.sample(field.substring(eq + 1))
                    : pseudonyms.scrub(field));
        }
        return "##SAMPLE=<" + String.join(",", kept) + ">";
    }

    /** Splits {@code a=1,b="x,y",c=<...>} at the commas outside quotes and brackets. */
    static List<String> splitFields(String body) {
        List<String> fields = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '"' && (i == 0 || body.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && (c == '<' || c == '[')) {
                depth++;
            } else if (!quoted && (c == '>' || c == ']')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                fields.add(body.substring(start, i));
                start = i + 1;
            }
        }
        fields.add(body.substring(start));
        return fields;
    }

    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }
}
