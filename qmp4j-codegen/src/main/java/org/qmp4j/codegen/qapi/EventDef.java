package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * {@code { 'event': ... }}.
 *
 * @param name the event's name on the wire, e.g. {@code STOP}
 * @param data its members: inline, a named type, or {@link Data#NONE}
 * @param boxed {@code 'boxed': true}: the data is the named type's members
 * @param condition under which it exists
 * @param features its features
 * @param doc its documentation, or null
 * @param location where it is defined
 */
public record EventDef(String name, Data data, boolean boxed, Condition condition, List<Feature> features,
        Doc doc, SourceLocation location) implements Definition {
    /**
     * Copies the list: the model is immutable.
     *
     * @param name the event's name on the wire, e.g. {@code STOP}
     * @param data its members: inline, a named type, or {@link Data#NONE}
     * @param boxed {@code 'boxed': true}: the data is the named type's members
     * @param condition under which it exists
     * @param features its features
     * @param doc its documentation, or null
     * @param location where it is defined
     */
    public EventDef {
        features = List.copyOf(features);
    }
}
