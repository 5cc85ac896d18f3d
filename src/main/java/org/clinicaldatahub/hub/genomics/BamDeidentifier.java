package org.clinicaldatahub.hub.genomics;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Makes the de-identified copy of a BAM file (SAM/BAM specification 4.2): the {@code SM:} tag of
 * every {@code @RG} header line becomes the sample's pseudonym, and the rest of the header text
 * ({@code @PG CL:} command lines, {@code LB:}, {@code DS:}) is scrubbed of the original sample
 * names and patient identifiers. Alignment records carry no sample name and are re-compressed
 * unchanged, streaming (one BGZF block of memory). CRAM needs the reference to re-encode and is
 * not copied.
 */
public final class BamDeidentifier {

    private static final byte[] MAGIC = { 'B', 'A', 'M', 1 };

    private BamDeidentifier() {
    }

    public static boolean isBam(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".bam");
    }

    public static void deidentify(Path bam, Path copy, SamplePseudonyms pseudonyms) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                new BufferedInputStream(Files.newInputStream(bam), 1 << 16), 1 << 16));
                OutputStream out = new BgzfOutputStream(new BufferedOutputStream(Files.newOutputStream(copy), 1 << 16))) {
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a BAM file");
            }
            byte[] text = new byte[littleEndianInt(in)];
            in.readFully(text);
            String header = deidentifyHeader(new String(text, StandardCharsets.UTF_8).replace("\0", ""), pseudonyms);
            byte[] newText = header.getBytes(StandardCharsets.UTF_8);
            out.write(MAGIC);
            out.write(littleEndian(newText.length));
            out.write(newText);
            // the reference dictionary and the records follow unchanged
            in.transferTo(out);
        } catch (EOFException e) {
            throw new IOException("BAM file ends inside its header", e);
        }
    }

    static String deidentifyHeader(String header, SamplePseudonyms pseudonyms) {
        String[] lines = header.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("@RG\t")) {
                String[] fields = lines[i].split("\t", -1);
                for (int f = 1; f < fields.length; f++) {
                    if (fields[f].startsWith("SM:")) {
                        fields[f] = "SM:" + pseudonyms.sample(fields[f].substring(3));
                    }
                }
                lines[i] = String.join("\t", fields);
            }
        }
        for (int i = 0; i < lines.length; i++) {
            lines[i] = pseudonyms.scrub(lines[i]);
        }
        return String.join("\n", lines);
    }

    private static int littleEndianInt(DataInputStream in) throws IOException {
        byte[] bytes = new byte[4];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static byte[] littleEndian(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    static boolean isBgzf(InputStream in) throws IOException {
        return in.read() == 0x1f && in.read() == 0x8b;
    }
}
