package org.qmp4j.codegen.qapi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one QAPI file into trees of values, each value with its line. A hand-written lexer rather than
 * Jackson's lenient options: QAPI is not JSON with single quotes (no numbers, no null, no double-quoted
 * strings, only {@code \\} escapes) and its {@code ##} doc blocks must be seen at the top level, which a
 * JSON parser skipping comments would lose; it also keeps the module free of dependencies.
 */
final class QapiReader {

    /** A value of the QAPI dialect. */
    sealed interface Node permits Str, Bool, Arr, Obj {
        /** @return the line the value starts on */
        int line();
    }

    record Str(String value, int line) implements Node {
    }

    record Bool(boolean value, int line) implements Node {
    }

    record Arr(List<Node> items, int line) implements Node {
    }

    record Obj(Map<String, Node> entries, int line) implements Node {
    }

    /** A top-level expression with the doc block right before it, if any. */
    record TopLevel(Obj expr, DocBlock doc) {
    }

    /** The raw lines of a {@code ##} block, the {@code # } prefix removed. */
    record DocBlock(List<String> lines, int line) {
    }

    private static final String DOUBLE_QUOTE = "QAPI strings are single-quoted, found '\"'";

    private final Path file;
    private final String src;
    private int pos;
    private int line = 1;

    QapiReader(Path file, String src) {
        this.file = file;
        this.src = src;
    }

    /**
     * @param freeDocs receives the doc blocks that document no definition (a definition's block is the
     *     last before it; the caller decides)
     * @return the file's top-level expressions in order
     */
    List<TopLevel> readAll(List<DocBlock> freeDocs) {
        List<TopLevel> out = new ArrayList<>();
        DocBlock pending = null;
        while (true) {
            skipWhitespace();
            if (pos >= src.length()) {
                if (pending != null) {
                    freeDocs.add(pending);
                }
                return out;
            }
            char c = src.charAt(pos);
            if (c == '#') {
                if (src.startsWith("##", pos)) {
                    if (pending != null) {
                        freeDocs.add(pending);
                    }
                    pending = readDocBlock();
                } else {
                    skipToEndOfLine();
                }
            } else if (c == '{') {
                out.add(new TopLevel((Obj) readValue(), pending));
                pending = null;
            } else {
                throw error(line, "expected '{' or a comment at the top level, found '" + c + "'");
            }
        }
    }

    private DocBlock readDocBlock() {
        int start = line;
        String first = readLine().strip();
        if (!first.equals("##")) {
            throw error(start, "junk after '##' at the start of a documentation comment");
        }
        List<String> lines = new ArrayList<>();
        while (true) {
            if (pos >= src.length()) {
                throw error(start, "documentation comment must end with '##'");
            }
            int at = line;
            String l = readLine().stripLeading();
            if (l.isBlank()) {
                continue;   // QEMU's lexer skips whitespace between a block's comment lines too
            }
            if (l.equals("##")) {
                return new DocBlock(lines, start);
            }
            if (!l.startsWith("#")) {
                throw error(at, "documentation comment must end with '##'");
            }
            if (l.length() > 1 && l.charAt(1) != ' ') {
                throw error(at, "missing space after '#' in a documentation comment");
            }
            lines.add(l.length() > 1 ? l.substring(2).stripTrailing() : "");
        }
    }

    private String readLine() {
        int end = src.indexOf('\n', pos);
        String l;
        if (end < 0) {
            l = src.substring(pos);
            pos = src.length();
        } else {
            l = src.substring(pos, end);
            pos = end + 1;
            line++;
        }
        return l;
    }

    private void skipToEndOfLine() {
        int end = src.indexOf('\n', pos);
        pos = end < 0 ? src.length() : end;
    }

    private void skipWhitespace() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                line++;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** Skips whitespace and every comment, doc blocks included (inside an expression they mean nothing). */
    private void skipInsideExpression() {
        while (true) {
            skipWhitespace();
            if (pos < src.length() && src.charAt(pos) == '#') {
                skipToEndOfLine();
            } else {
                return;
            }
        }
    }

    private Node readValue() {
        skipInsideExpression();
        if (pos >= src.length()) {
            throw error(line, "expected a value, found the end of the file");
        }
        int at = line;
        char c = src.charAt(pos);
        switch (c) {
            case '{':
                return readObject();
            case '[':
                return readArray();
            case '\'':
                return new Str(readString(), at);
            case '"':
                throw error(at, DOUBLE_QUOTE);
            default:
                if (src.startsWith("true", pos)) {
                    pos += 4;
                    return new Bool(true, at);
                }
                if (src.startsWith("false", pos)) {
                    pos += 5;
                    return new Bool(false, at);
                }
                throw error(at, "expected a value, found '" + c + "'");
        }
    }

    private Obj readObject() {
        int at = line;
        pos++;
        Map<String, Node> entries = new LinkedHashMap<>();
        skipInsideExpression();
        if (peek() == '}') {
            pos++;
            return new Obj(entries, at);
        }
        while (true) {
            skipInsideExpression();
            if (peek() != '\'') {
                throw error(line, peek() == '"' ? DOUBLE_QUOTE : "expected a string as key" + found());
            }
            int keyLine = line;
            String key = readString();
            skipInsideExpression();
            expect(':');
            Node value = readValue();
            if (entries.put(key, value) != null) {
                throw error(keyLine, "duplicate key '" + key + "'");
            }
            if (closes('}')) {
                return new Obj(entries, at);
            }
        }
    }

    private Arr readArray() {
        int at = line;
        pos++;
        List<Node> items = new ArrayList<>();
        skipInsideExpression();
        if (peek() == ']') {
            pos++;
            return new Arr(items, at);
        }
        while (true) {
            items.add(readValue());
            if (closes(']')) {
                return new Arr(items, at);
            }
        }
    }

    /** After an item: true at the closing bracket, false at a comma; both consumed. */
    private boolean closes(char close) {
        skipInsideExpression();
        char c = peek();
        if (c != close && c != ',') {
            throw error(line, "expected ',' or '" + close + "'" + found());
        }
        pos++;
        return c == close;
    }

    private String readString() {
        int at = line;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw error(at, "missing terminating \"'\"");
            }
            char c = src.charAt(pos++);
            if (c == '\'') {
                return sb.toString();
            }
            if (c == '\\') {
                // QEMU knows no other escape: its strings are names and config symbols.
                char next = pos < src.length() ? src.charAt(pos) : '\n';
                if (next != '\\' && next != '\'') {
                    throw error(at, "unknown escape \\" + next);
                }
                pos++;
                c = next;
            } else if (c < 32 || c >= 127) {
                throw error(at, "funny character in string");
            }
            sb.append(c);
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error(line, "expected '" + c + "'" + found());
        }
        pos++;
    }

    private char peek() {
        return pos < src.length() ? src.charAt(pos) : '\0';
    }

    private String found() {
        return pos < src.length() ? ", found '" + src.charAt(pos) + "'" : ", found the end of the file";
    }

    private QapiException error(int at, String message) {
        return new QapiException(new SourceLocation(file, at), message);
    }
}
