package org.qmp4j.codegen.qapi;

/**
 * A branch of a union (named by a value of its discriminator) or an alternative of an alternate.
 *
 * @param name the discriminator value (union) or the alternative's name (alternate)
 * @param type the branch's type: for a union a struct (or, since QEMU 9.1, a union); for an alternate any type
 * @param condition under which it exists
 */
public record Branch(String name, TypeRef type, Condition condition) {
}
