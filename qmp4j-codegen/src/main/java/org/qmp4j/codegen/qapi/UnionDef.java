package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * A flat union: {@code { 'union': ..., 'base': ..., 'discriminator': ..., 'data': {...} }}. The
 * discriminator is an enum member of the base; each branch adds a struct's (or a union's) members for one
 * of its values.
 *
 * @param name the union's name
 * @param base the common members: inline, or a struct's
 * @param discriminator the name of the base member whose value picks the branch
 * @param branches by discriminator value, in the schema's order; values without a branch add nothing
 * @param condition under which it exists
 * @param features its features
 * @param doc its documentation, or null
 * @param location where it is defined
 */
public record UnionDef(String name, Data base, String discriminator, List<Branch> branches, Condition condition,
        List<Feature> features, Doc doc, SourceLocation location) implements Definition {
    /**
     * Copies the lists: the model is immutable.
     *
     * @param name the union's name
     * @param base the common members: inline, or a struct's
     * @param discriminator the name of the base member whose value picks the branch
     * @param branches by discriminator value, in the schema's order; values without a branch add nothing
     * @param condition under which it exists
     * @param features its features
     * @param doc its documentation, or null
     * @param location where it is defined
     */
    public UnionDef {
        branches = List.copyOf(branches);
        features = List.copyOf(features);
    }
}
