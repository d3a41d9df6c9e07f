package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * {@code { 'struct': ..., 'data': {...}, 'base': ... }}.
 *
 * @param name the struct's name
 * @param base the struct whose members come first, or null
 * @param members its own members (not the base's), in the schema's order
 * @param condition under which it exists
 * @param features its features
 * @param doc its documentation, or null
 * @param location where it is defined
 */
public record StructDef(String name, String base, List<Member> members, Condition condition,
        List<Feature> features, Doc doc, SourceLocation location) implements Definition {
    /**
     * Copies the lists: the model is immutable.
     *
     * @param name the struct's name
     * @param base the struct whose members come first, or null
     * @param members its own members (not the base's), in the schema's order
     * @param condition under which it exists
     * @param features its features
     * @param doc its documentation, or null
     * @param location where it is defined
     */
    public StructDef {
        members = List.copyOf(members);
        features = List.copyOf(features);
    }
}
