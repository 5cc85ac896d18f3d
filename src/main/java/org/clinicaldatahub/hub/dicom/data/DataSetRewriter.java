package org.clinicaldatahub.hub.dicom.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies a data set from a {@link DicomReader} to a {@link DicomWriter} while an {@link Editor}
 * keeps, removes or replaces each element, streaming: pixel data and fragments pass through
 * without being held, sequences and items are written with undefined length so replaced values
 * may change size. The de-identifier builds on this.
 */
public final class DataSetRewriter {

    /** What to do with one element. */
    public sealed interface Edit permits Keep, Remove, Replace {
    }

    /** Copy the element unchanged. */
    public record Keep() implements Edit {
    }

    /** Leave the element (or whole sequence) out. */
    public record Remove() implements Edit {
    }

    /** Write {@code value} (padded to even length) with {@code vr} instead of the original value. */
    public record Replace(Vr vr, byte[] value) implements Edit {
    }

    public static final Edit KEEP = new Keep();
    public static final Edit REMOVE = new Remove();

    /** Decides per element; {@code path} holds the tags of the enclosing sequences, outermost first. */
    public interface Editor {
        /** Called for every element with a value; the value may be read from {@code reader}. */
        Edit element(List<Integer> path, DicomReader reader) throws IOException;

        /** Called for every sequence; {@link #REMOVE} drops it with all its items. */
        default Edit sequence(List<Integer> path, DicomReader reader) throws IOException {
            return KEEP;
        }
    }

    private DataSetRewriter() {
    }

    /** Rewrites until the end of the data set; then finishes the writer (not closing its target). */
    public static void rewrite(DicomReader reader, DicomWriter writer, Editor editor) throws IOException {
        List<Integer> path = new ArrayList<>();
        java.util.Deque<Boolean> openIsFragments = new java.util.ArrayDeque<>();
        int skipUntilDepth = -1;
        for (DicomReader.Event e = reader.next(); e != DicomReader.Event.END; e = reader.next()) {
            if (skipUntilDepth >= 0) {
                if (e == DicomReader.Event.SEQUENCE_END && reader.depth() == skipUntilDepth) {
                    skipUntilDepth = -1;
                }
                continue;
            }
            switch (e) {
                case ELEMENT -> {
                    Edit edit = editor.element(List.copyOf(path), reader);
                    if (edit instanceof Replace replace) {
                        writer.writeElement(reader.tag(), replace.vr(), replace.value());
                    } else if (edit instanceof Keep) {
                        writer.writeHeader(reader.tag(), reader.vr(), reader.length());
                        writer.writeValue(reader.valueStream(), reader.length());
                    }
                }
                case SEQUENCE_START -> {
                    if (editor.sequence(List.copyOf(path), reader) instanceof Remove) {
                        skipUntilDepth = reader.depth() - 1;
                    } else {
                        writer.startSequence(reader.tag(), reader.vr());
                        path.add(reader.tag());
                        openIsFragments.push(Boolean.FALSE);
                    }
                }
                case ITEM_START -> writer.startItem();
                case ITEM_END -> writer.endItem();
                case FRAGMENTS_START -> {
                    writer.startFragments(reader.tag(), reader.explicitVr() ? reader.vr() : Vr.OB);
                    openIsFragments.push(Boolean.TRUE);
                }
                case FRAGMENT -> {
                    writer.startFragment(reader.length());
                    writer.writeValue(reader.valueStream(), reader.length());
                }
                case SEQUENCE_END -> {
                    if (openIsFragments.pop()) {
                        writer.endFragments();
                    } else {
                        path.remove(path.size() - 1);
                        writer.endSequence();
                    }
                }
                default -> throw new IllegalStateException("unexpected event " + e);
            }
        }
        writer.finish();
    }
}
