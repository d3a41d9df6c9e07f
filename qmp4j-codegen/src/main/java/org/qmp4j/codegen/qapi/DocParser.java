package org.qmp4j.codegen.qapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a {@code ##} block into body, members, features and sections, following the layout QEMU's
 * qapi-code-gen.rst describes for both the 7.2 and the 10.0 style (10.0 indents continuation lines and
 * writes examples as rST directives, which stay in the text).
 */
final class DocParser {
    private static final Pattern SYMBOL = Pattern.compile("@([^\\s:]+):\\s*(.*)");
    private static final Pattern ITEM = Pattern.compile("@([^\\s:]+):(?:\\s+(.*))?");
    private static final Pattern TAG =
            Pattern.compile("(Returns|Errors|Since|Notes?|Examples?|TODO)\\s*:(?:\\s+(.*))?");

    private enum Mode { BODY, MEMBER, FEATURE, SECTION }

    private DocParser() {
    }

    static Doc parse(List<String> lines, SourceLocation location) {
        String symbol = null;
        int i = 0;
        if (!lines.isEmpty()) {
            Matcher m = SYMBOL.matcher(lines.get(0));
            if (m.matches()) {
                symbol = m.group(1);
                i = 1;
            }
        }
        StringBuilder body = new StringBuilder();
        Map<String, StringBuilder> members = new LinkedHashMap<>();
        Map<String, StringBuilder> features = new LinkedHashMap<>();
        List<String> tags = new ArrayList<>();
        List<StringBuilder> texts = new ArrayList<>();
        Mode mode = Mode.BODY;
        boolean inFeatures = false;
        StringBuilder current = body;
        boolean afterBlank = false;
        for (; i < lines.size(); i++) {
            String l = lines.get(i);
            boolean unindented = !l.isEmpty() && !Character.isWhitespace(l.charAt(0));
            Matcher item = ITEM.matcher(l);
            Matcher tag = TAG.matcher(l);
            if (symbol == null) {
                // A free-form block (a heading, an introduction) is all text; QEMU gives it no sections.
                body.append(body.length() > 0 ? "\n" : "").append(l);
            } else if (unindented && item.matches()) {
                Map<String, StringBuilder> target = inFeatures ? features : members;
                current = new StringBuilder(orEmpty(item.group(2)));
                if (target.put(item.group(1), current) != null) {
                    throw new QapiException(new SourceLocation(location.file(), location.line() + i + 1),
                            "'@" + item.group(1) + "' documented twice");
                }
                mode = inFeatures ? Mode.FEATURE : Mode.MEMBER;
            } else if (l.equals("Features:")) {
                inFeatures = true;
                mode = Mode.FEATURE;
                current = new StringBuilder();
            } else if (unindented && tag.matches()) {
                current = new StringBuilder(orEmpty(tag.group(2)));
                tags.add(tag.group(1));
                texts.add(current);
                mode = Mode.SECTION;
                inFeatures = false;
            } else if (afterBlank && unindented && endsParagraph(mode, tags, l)) {
                current = new StringBuilder(l);
                tags.add(null);
                texts.add(current);
                mode = Mode.SECTION;
                inFeatures = false;
            } else {
                if (current.length() > 0 || !l.isEmpty()) {
                    current.append(current.length() > 0 ? "\n" : "")
                            .append(mode == Mode.MEMBER || mode == Mode.FEATURE ? l.strip() : l);
                }
            }
            afterBlank = l.isEmpty();
        }
        List<Doc.Section> sections = new ArrayList<>();
        for (int s = 0; s < tags.size(); s++) {
            sections.add(new Doc.Section(tags.get(s), dedent(texts.get(s).toString())));
        }
        return new Doc(symbol, dedent(body.toString()), finish(members), finish(features), sections, location);
    }

    /**
     * Whether a paragraph at the margin after a blank line leaves the current member, feature or section
     * for untagged text. It always leaves a member's or feature's description (QEMU's rule), and
     * {@code Since:}; other tagged sections run on in 7.2's style (an example's unindented lines), except
     * into a 10.0-style rST directive ({@code .. qmp-example::}, {@code .. note::}).
     */
    private static boolean endsParagraph(Mode mode, List<String> tags, String line) {
        if (mode == Mode.MEMBER || mode == Mode.FEATURE) {
            return true;
        }
        return mode == Mode.SECTION && ("Since".equals(tags.get(tags.size() - 1)) || line.startsWith(".. "));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Map<String, String> finish(Map<String, StringBuilder> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k, v.toString().strip()));
        return out;
    }

    /** Removes the indentation all lines but the first share, and blank lines at either end. */
    private static String dedent(String text) {
        String[] ls = text.strip().split("\n", -1);
        int common = Integer.MAX_VALUE;
        for (int k = 1; k < ls.length; k++) {
            if (!ls[k].isBlank()) {
                common = Math.min(common, ls[k].length() - ls[k].stripLeading().length());
            }
        }
        if (common == Integer.MAX_VALUE || common == 0) {
            return text.strip();
        }
        StringBuilder sb = new StringBuilder(ls[0]);
        for (int k = 1; k < ls.length; k++) {
            sb.append('\n').append(ls[k].isBlank() ? "" : ls[k].substring(common));
        }
        return sb.toString();
    }
}
