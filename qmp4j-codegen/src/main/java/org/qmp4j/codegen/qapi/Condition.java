package org.qmp4j.codegen.qapi;

import java.util.List;

/**
 * A QAPI {@code 'if'}: the build configuration under which a definition, member, branch, value or feature
 * exists. QEMU compiles the others out, so a live QEMU may lack what the schema names under a condition.
 */
public sealed interface Condition permits Condition.Always, Condition.Config, Condition.All, Condition.Any,
        Condition.Not {

    /** No {@code 'if'}. */
    Condition ALWAYS = new Always();

    /** No {@code 'if'}: always there. */
    record Always() implements Condition {
        @Override
        public String toString() {
            return "always";
        }
    }

    /**
     * {@code 'if': 'CONFIG_X'}: a configuration symbol.
     *
     * @param name the symbol, e.g. {@code CONFIG_SPICE} or {@code TARGET_S390X}
     */
    record Config(String name) implements Condition {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * {@code 'if': {'all': [...]}}: every one holds.
     *
     * @param conditions at least one
     */
    record All(List<Condition> conditions) implements Condition {
        /**
         * Copies the list: the model is immutable.
         *
         * @param conditions at least one
         */
        public All {
            conditions = List.copyOf(conditions);
        }

        @Override
        public String toString() {
            return "all" + conditions;
        }
    }

    /**
     * {@code 'if': {'any': [...]}}: one of them holds.
     *
     * @param conditions at least one
     */
    record Any(List<Condition> conditions) implements Condition {
        /**
         * Copies the list: the model is immutable.
         *
         * @param conditions at least one
         */
        public Any {
            conditions = List.copyOf(conditions);
        }

        @Override
        public String toString() {
            return "any" + conditions;
        }
    }

    /**
     * {@code 'if': {'not': ...}}: the condition does not hold.
     *
     * @param condition the negated condition
     */
    record Not(Condition condition) implements Condition {
        @Override
        public String toString() {
            return "not(" + condition + ")";
        }
    }
}
