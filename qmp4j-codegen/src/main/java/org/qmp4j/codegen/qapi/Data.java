package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * Members given either inline ({@code 'data': {...}}) or by naming a type ({@code 'data': 'Type'}): a
 * command's or event's arguments, a union's base.
 */
public sealed interface Data permits Data.Inline, Data.Ref {

    /** No members at all (a command or event without {@code 'data'}). */
    Data NONE = new Inline(List.of());

    /**
     * Members written in place.
     *
     * @param members in the schema's order
     */
    record Inline(List<Member> members) implements Data {
        /**
         * Copies the list: the model is immutable.
         *
         * @param members in the schema's order
         */
        public Inline {
            members = List.copyOf(members);
        }
    }

    /**
     * Members of a named type (a struct; for a boxed command or event also a union or alternate).
     *
     * @param type the type's name
     */
    record Ref(String type) implements Data {
    }
}
