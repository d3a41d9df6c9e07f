package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * {@code { 'enum': ..., 'data': [...] }}.
 *
 * @param name the enum's name
 * @param values its values, in the schema's order
 * @param prefix the {@code 'prefix'} of QEMU's C constants, or null
 * @param condition under which it exists
 * @param features its features
 * @param doc its documentation, or null
 * @param location where it is defined
 */
public record EnumDef(String name, List<EnumValue> values, String prefix, Condition condition,
        List<Feature> features, Doc doc, SourceLocation location) implements Definition {
    /**
     * Copies the lists: the model is immutable.
     *
     * @param name the enum's name
     * @param values its values, in the schema's order
     * @param prefix the {@code 'prefix'} of QEMU's C constants, or null
     * @param condition under which it exists
     * @param features its features
     * @param doc its documentation, or null
     * @param location where it is defined
     */
    public EnumDef {
        values = List.copyOf(values);
        features = List.copyOf(features);
    }

    /** @return the values' names */
    public List<String> valueNames() {
        return values.stream().map(EnumValue::name).toList();
    }
}
