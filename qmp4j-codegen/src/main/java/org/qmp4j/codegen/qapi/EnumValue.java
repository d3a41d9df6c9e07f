package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * A value of an enum.
 *
 * @param name the value as it is on the wire
 * @param condition under which it exists
 * @param features its features
 */
public record EnumValue(String name, Condition condition, List<Feature> features) {
    /**
     * Copies the list: the model is immutable.
     *
     * @param name the value as it is on the wire
     * @param condition under which it exists
     * @param features its features
     */
    public EnumValue {
        features = List.copyOf(features);
    }
}
