package org.qmp4j.codegen.qapi;

/** A reference to a type: a name ({@code 'RunState'}) or an array of one ({@code ['RunState']}). */
public sealed interface TypeRef permits TypeRef.Named, TypeRef.ArrayOf {

    /** @return the name of the type at the bottom of any arrays */
    String elementName();

    /**
     * A type by name: a built-in ({@link QapiSchema#BUILTIN_TYPES}) or a definition.
     *
     * @param name the type's name
     */
    record Named(String name) implements TypeRef {
        @Override
        public String elementName() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * An array, written {@code ['Element']}.
     *
     * @param element the type of the array's elements
     */
    record ArrayOf(TypeRef element) implements TypeRef {
        @Override
        public String elementName() {
            return element.elementName();
        }

        @Override
        public String toString() {
            return "[" + element + "]";
        }
    }
}
