package org.clinicaldatahub.hub.terminology.internal;

import java.util.ArrayList;
import java.util.List;

import org.clinicaldatahub.hub.terminology.CodeSystemTable;
import org.clinicaldatahub.hub.terminology.ConceptMapTable;
import org.clinicaldatahub.hub.terminology.LoadedTable;

/** The tables one load produced, in load order, with what the versions report shows of each. */
public final class LoadedTables {

    public final List<CodeSystemTable> codeSystems = new ArrayList<>();
    public final List<LoadedTable> codeSystemInfo = new ArrayList<>();
    public final List<ConceptMapTable> conceptMaps = new ArrayList<>();
    public final List<LoadedTable> conceptMapInfo = new ArrayList<>();

    void add(CodeSystemTable table, String format, long startNanos) {
        codeSystems.add(table);
        codeSystemInfo.add(new LoadedTable("code-system", table.system(), format, table.version(), table.origin(),
                table.size(), millisSince(startNanos), true));
    }

    void add(ConceptMapTable table, String format, long startNanos) {
        conceptMaps.add(table);
        conceptMapInfo.add(new LoadedTable("concept-map", table.name(), format, table.version(), table.origin(),
                table.rows().size(), millisSince(startNanos), true));
    }

    /** Appends another load's tables after these (so its code systems win). */
    public LoadedTables addAll(LoadedTables other) {
        codeSystems.addAll(other.codeSystems);
        codeSystemInfo.addAll(other.codeSystemInfo);
        conceptMaps.addAll(other.conceptMaps);
        conceptMapInfo.addAll(other.conceptMapInfo);
        return this;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
