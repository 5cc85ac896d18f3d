package org.clinicaldatahub.hub.deid.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.clinicaldatahub.hub.deid.InvalidDeidProfileException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * An analyst-edited YAML file read as a node tree that remembers line numbers, so every problem
 * is reported as {@code file:line: what is wrong}. Problems are collected, so one run names them all.
 */
public final class ProfileYaml {

    private final String source;
    private final List<String> problems = new ArrayList<>();

    public ProfileYaml(String source) {
        this.source = source;
    }

    public String source() {
        return source;
    }

    public Node read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            return new Yaml(new SafeConstructor(options)).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new InvalidDeidProfileException(source + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (IOException e) {
            throw new InvalidDeidProfileException(source + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    public void problem(Node at, String message) {
        problems.add(source + ":" + line(at) + ": " + message);
    }

    public void problem(String message) {
        problems.add(source + ": " + message);
    }

    public List<String> problems() {
        return problems;
    }

    public static int line(Node node) {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** The entries of a mapping in file order; keys come with their own nodes for line numbers. */
    public Map<ScalarNode, Node> entries(Node node, String what) {
        Map<ScalarNode, Node> entries = new LinkedHashMap<>();
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    entries.put(key, tuple.getValueNode());
                } else {
                    problem(tuple.getKeyNode(), what + ": keys must be plain names");
                }
            }
        } else if (node != null) {
            problem(node, what + " must be a mapping (name: value lines)");
        }
        return entries;
    }

    /** Entries by key text, reporting keys that are not allowed (usually typos that would do nothing). */
    public Map<String, Node> mapping(Node node, String what, Set<String> allowed) {
        Map<String, Node> byName = new LinkedHashMap<>();
        for (Map.Entry<ScalarNode, Node> entry : entries(node, what).entrySet()) {
            String key = entry.getKey().getValue();
            if (!allowed.contains(key)) {
                problem(entry.getKey(), what + ": unknown setting '" + key + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            byName.put(key, entry.getValue());
        }
        return byName;
    }

    public List<Node> sequence(Node node, String what) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        if (node != null) {
            problem(node, what + " must be a list (lines starting with '- ')");
        }
        return List.of();
    }

    public String text(Node node, String what) {
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode scalar) {
            return scalar.getTag().getValue().endsWith(":null") ? null : scalar.getValue();
        }
        problem(node, what + " must be a single value");
        return null;
    }
}
