package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * {@code { 'command': ... }}.
 *
 * @param name the command's name on the wire, e.g. {@code query-status}
 * @param data its arguments: inline members, a named type, or {@link Data#NONE}
 * @param boxed {@code 'boxed': true}: the arguments are the named type's members (which may be a union)
 * @param returns what a successful reply returns, or null for an empty object
 * @param successResponse false for the few guest-agent commands that send no reply on success
 * @param gen false where QEMU writes the command's marshalling by hand (its arguments are then open-ended)
 * @param allowOob whether it may run out-of-band
 * @param allowPreconfig whether it is allowed before machine creation ({@code --preconfig})
 * @param coroutine whether QEMU runs it in a coroutine
 * @param condition under which it exists
 * @param features its features
 * @param doc its documentation, or null
 * @param location where it is defined
 */
public record CommandDef(String name, Data data, boolean boxed, TypeRef returns, boolean successResponse,
        boolean gen, boolean allowOob, boolean allowPreconfig, boolean coroutine, Condition condition,
        List<Feature> features, Doc doc, SourceLocation location) implements Definition {
    /**
     * Copies the list: the model is immutable.
     *
     * @param name the command's name on the wire, e.g. {@code query-status}
     * @param data its arguments: inline members, a named type, or {@link Data#NONE}
     * @param boxed {@code 'boxed': true}: the arguments are the named type's members (which may be a union)
     * @param returns what a successful reply returns, or null for an empty object
     * @param successResponse false for the few guest-agent commands that send no reply on success
     * @param gen false where QEMU writes the command's marshalling by hand (its arguments are then open-ended)
     * @param allowOob whether it may run out-of-band
     * @param allowPreconfig whether it is allowed before machine creation ({@code --preconfig})
     * @param coroutine whether QEMU runs it in a coroutine
     * @param condition under which it exists
     * @param features its features
     * @param doc its documentation, or null
     * @param location where it is defined
     */
    public CommandDef {
        features = List.copyOf(features);
    }
}
