package org.clinicaldatahub.hub.storage;

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
 * Reads an analyst-edited YAML policy as a node tree that remembers line numbers, so every
 * problem can be reported as {@code file:line: what is wrong}. Problems are collected, not
 * thrown one by one: an analyst fixes a file in one go.
 */
final class PolicyYaml {

    private final String source;
    private final List<String> problems = new ArrayList<>();

    private PolicyYaml(String source) {
        this.source = source;
    }

    static PolicyYaml forSource(String source) {
        return new PolicyYaml(source);
    }

    /** The document's root node; a syntax error or duplicate key is reported with its line. */
    Node read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return compose(reader);
        } catch (IOException e) {
            throw new InvalidStoragePolicyException(source + ": cannot read the storage policy ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    Node compose(Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            return new Yaml(new SafeConstructor(options)).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new InvalidStoragePolicyException(source + ":" + line + ": not valid YAML: " + e.getProblem());
        }
    }

    void problem(Node at, String message) {
        problems.add(source + ":" + line(at) + ": " + message);
    }

    void problem(String message) {
        problems.add(source + ": " + message);
    }

    List<String> problems() {
        return problems;
    }

    static int line(Node node) {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** The entries of a mapping node in file order; anything else is a problem. */
    Map<String, Node> mapping(Node node, String what) {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Node> keys = new LinkedHashMap<>();
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    Node earlier = keys.putIfAbsent(key.getValue(), key);
                    entries.putIfAbsent(key.getValue(), tuple.getValueNode());
                    if (earlier != null) {
                        // YAML parsers keep the last of two equal keys silently; the first would be lost
                        problem(key, what + ": '" + key.getValue() + "' appears twice (first at line "
                                + line(earlier) + ")");
                    }
                } else {
                    problem(tuple.getKeyNode(), what + ": keys must be plain names");
                }
            }
        } else if (node != null) {
            problem(node, what + " must be a mapping (name: value lines)");
        }
        return entries;
    }

    /** Reports keys that are not allowed here, which are usually typos that would silently do nothing. */
    void onlyKeys(Map<String, Node> entries, Set<String> allowed, String what) {
        for (Map.Entry<String, Node> entry : entries.entrySet()) {
            if (!allowed.contains(entry.getKey())) {
                problem(entry.getValue(), what + ": unknown setting '" + entry.getKey() + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    List<Node> sequence(Node node, String what) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        if (node != null) {
            problem(node, what + " must be a list (lines starting with '- ')");
        }
        return List.of();
    }

    /** A scalar's text, or null when absent; a mapping or list where text belongs is a problem. */
    String text(Node node, String what) {
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode scalar) {
            return "null".equals(scalar.getTag().getValue()) || scalar.getTag().getValue().endsWith(":null")
                    ? null : scalar.getValue();
        }
        problem(node, what + " must be a single value");
        return null;
    }

    Integer positiveInt(Node node, String what) {
        String text = text(node, what);
        if (text == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(node, what + " must be a whole number of days above 0, was '" + text + "'");
        return null;
    }

    Boolean bool(Node node, String what) {
        String text = text(node, what);
        if (text == null) {
            return null;
        }
        if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
            return Boolean.parseBoolean(text);
        }
        problem(node, what + " must be true or false, was '" + text + "'");
        return null;
    }
}
