package org.clinicaldatahub.hub.fhir.support;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * A plain HAPI resource provider that keeps the current version of each resource in memory and
 * answers read and search by {@code _lastUpdated} (with {@code _sort=_lastUpdated}), which is what
 * an EHR's bulk-change polling needs. Versions and timestamps are set by {@link #put}.
 */
public class InMemoryResourceProvider<T extends Resource> implements IResourceProvider {

    private final Class<T> type;
    private final Map<String, T> current = new ConcurrentHashMap<>();

    public InMemoryResourceProvider(Class<T> type) {
        this.type = type;
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    /** Stores a new version of the resource with the given last-updated time; returns its version id. */
    public synchronized String put(T resource, Date lastUpdated) {
        String id = resource.getIdElement().getIdPart();
        T previous = current.get(id);
        int version = previous == null ? 1 : Integer.parseInt(previous.getMeta().getVersionId()) + 1;
        @SuppressWarnings("unchecked")
        T stored = (T) resource.copy();
        stored.setId(new IdType(type.getSimpleName(), id, Integer.toString(version)));
        stored.getMeta().setVersionId(Integer.toString(version));
        stored.getMeta().setLastUpdated(lastUpdated);
        current.put(id, stored);
        return Integer.toString(version);
    }

    public T get(String id) {
        return current.get(id);
    }

    public int size() {
        return current.size();
    }

    @Read
    public T read(@IdParam IdType id) {
        T resource = current.get(id.getIdPart());
        if (resource == null) {
            throw new ResourceNotFoundException(id);
        }
        return resource;
    }

    @Search
    public List<T> search(@OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated, @Sort SortSpec sort,
            @Count Integer count) {
        List<T> matches = new ArrayList<>();
        for (T resource : current.values()) {
            Date updated = resource.getMeta().getLastUpdated();
            if (lastUpdated == null || lastUpdated.getLowerBoundAsInstant() == null
                    || !updated.before(lastUpdated.getLowerBoundAsInstant())) {
                matches.add(resource);
            }
        }
        // _sort=_lastUpdated ascending (the only sort the poller asks for), then id for a stable order
        matches.sort(Comparator.comparing((T r) -> r.getMeta().getLastUpdated()).thenComparing(r -> r.getIdElement().getIdPart()));
        return matches;
    }
}
