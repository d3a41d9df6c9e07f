package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * A member of a struct, a union's base, or a command's or event's inline arguments.
 *
 * @param name the member's name on the wire, without the {@code *} that marks it optional
 * @param type its type
 * @param optional whether it was written {@code '*name'}
 * @param condition under which it exists
 * @param features its features
 */
public record Member(String name, TypeRef type, boolean optional, Condition condition, List<Feature> features) {
    /**
     * Copies the list: the model is immutable.
     *
     * @param name the member's name on the wire, without the {@code *} that marks it optional
     * @param type its type
     * @param optional whether it was written {@code '*name'}
     * @param condition under which it exists
     * @param features its features
     */
    public Member {
        features = List.copyOf(features);
    }
}
