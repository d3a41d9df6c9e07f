package org.qmp4j.codegen.qapi;

import java.util.List;

/** A top-level QAPI definition. Types, commands and events share one namespace. */
public sealed interface Definition permits EnumDef, StructDef, UnionDef, AlternateDef, CommandDef, EventDef {

    /** @return the definition's name, e.g. {@code RunState}, {@code query-status}, {@code STOP} */
    String name();

    /** @return under which the definition exists */
    Condition condition();

    /** @return its features */
    List<Feature> features();

    /** @return its documentation block, or null where the schema has none */
    Doc doc();

    /** @return the line of its opening brace */
    SourceLocation location();

    /** @return whether it has the feature {@code deprecated} */
    default boolean deprecated() {
        return features().stream().anyMatch(Feature::deprecated);
    }

    /** @return whether it has the feature {@code unstable} */
    default boolean unstable() {
        return features().stream().anyMatch(Feature::unstable);
    }
}
