package org.qmp4j.codegen.qapi;

/**
 * A QAPI feature of a definition, member or enum value ({@code 'features': [...]}).
 *
 * @param name the feature's name, e.g. {@code deprecated}
 * @param condition under which it exists
 */
public record Feature(String name, Condition condition) {
    /** @return whether this is the special feature {@code deprecated} */
    public boolean deprecated() {
        return "deprecated".equals(name);
    }

    /** @return whether this is the special feature {@code unstable} */
    public boolean unstable() {
        return "unstable".equals(name);
    }
}
