package org.qmp4j.codegen.qapi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code ##} documentation block. A definition's block starts with {@code # @Name:}; a free-form block
 * (a heading such as {@code # = Block devices}, or an introduction) has no symbol.
 *
 * @param symbol the name the block documents, or null for a free-form block
 * @param body the text before the first member, feature or tagged section
 * @param members {@code # @member: text}, in the schema's order
 * @param features the {@code # @feature: text} lines after {@code # Features:}, in the schema's order
 * @param sections the tagged sections ({@code Since:}, {@code Returns:}, {@code Errors:}, {@code Example:},
 *     {@code Notes:}, {@code TODO:}) and untagged text after the members, in the schema's order
 * @param location the line of the opening {@code ##}
 */
public record Doc(String symbol, String body, Map<String, String> members, Map<String, String> features,
        List<Section> sections, SourceLocation location) {

    /**
     * Keeps the maps' order and copies everything: the model is immutable.
     *
     * @param symbol the name the block documents, or null for a free-form block
     * @param body the text before the first member, feature or tagged section
     * @param members {@code # @member: text}, in the schema's order
     * @param features the {@code # @feature: text} lines after {@code # Features:}, in the schema's order
     * @param sections the tagged sections ({@code Since:}, {@code Returns:}, {@code Errors:}, {@code Example:},
     *     {@code Notes:}, {@code TODO:}) and untagged text after the members, in the schema's order
     * @param location the line of the opening {@code ##}
     */
    public Doc {
        members = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(members));
        features = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(features));
        sections = List.copyOf(sections);
    }

    /**
     * A section of a documentation block.
     *
     * @param tag {@code Since}, {@code Returns}, ... as written, or null for untagged text after the members
     * @param text the section's text, its first line the rest of the tag's line
     */
    public record Section(String tag, String text) {
    }

    /**
     * @param tag e.g. {@code Since}
     * @return the text of the first section with that tag
     */
    public Optional<String> section(String tag) {
        return sections.stream().filter(s -> tag.equals(s.tag())).map(Section::text).findFirst();
    }

    /** @return the {@code Since:} section's text, e.g. {@code 0.14} */
    public Optional<String> since() {
        return section("Since");
    }
}
