package dev.segments.web.builder;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * What the builder template needs to draw one node, worked out in Java so that the template only
 * lays it out: the choices offered (attributes, operators that fit the type, segments), the value
 * editor and the errors the API reported at this node (autocomplete values load separately).
 */
@TemplateData
public record NodeView(String path, String kind, String logic, boolean negated, List<NodeView> children,
        String attribute, String type, String op, List<Option> attributes, List<Option> ops, String editor,
        String value, String unit, List<Option> units, List<Option> segments,
        List<String> errors, boolean first, boolean last, int depth) {

    /** One choice of a select. */
    @TemplateData
    public record Option(String value, String label, boolean selected) {
    }

    public boolean isGroup() {
        return kind.equals("g");
    }

    public boolean isCondition() {
        return kind.equals("c");
    }

    public boolean isReference() {
        return kind.equals("s");
    }

    public boolean isRoot() {
        return depth == 0;
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The word shown between a group's children. */
    public String joiner() {
        return logic.equals("OR") ? "or" : "and";
    }
}
