package org.qmp4j.codegen.qapi;

/**
 * One entry of a {@code { 'pragma': {...} }} directive, e.g. {@code doc-required} or
 * {@code command-name-exceptions}. Names are not checked: a newer QEMU may add some.
 *
 * @param name the pragma's name
 * @param value a {@code String}, {@code Boolean}, {@code List} or {@code Map} (insertion-ordered) of these
 * @param location where it is written
 */
public record Pragma(String name, Object value, SourceLocation location) {
}
