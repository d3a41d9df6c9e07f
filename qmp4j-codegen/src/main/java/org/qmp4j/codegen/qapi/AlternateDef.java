package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * {@code { 'alternate': ..., 'data': {...} }}: a value of one of several types, told apart by its JSON type.
 *
 * @param name the alternate's name
 * @param alternatives in the schema's order
 * @param condition under which it exists
 * @param features its features
 * @param doc its documentation, or null
 * @param location where it is defined
 */
public record AlternateDef(String name, List<Branch> alternatives, Condition condition, List<Feature> features,
        Doc doc, SourceLocation location) implements Definition {
    /**
     * Copies the lists: the model is immutable.
     *
     * @param name the alternate's name
     * @param alternatives in the schema's order
     * @param condition under which it exists
     * @param features its features
     * @param doc its documentation, or null
     * @param location where it is defined
     */
    public AlternateDef {
        alternatives = List.copyOf(alternatives);
        features = List.copyOf(features);
    }
}
