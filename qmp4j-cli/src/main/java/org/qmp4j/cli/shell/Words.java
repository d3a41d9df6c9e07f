package org.qmp4j.cli.shell;

import java.util.ArrayList;
import java.util.List;
import org.qmp4j.cli.UsageException;

/**
 * Splits a shell line into words. Whitespace separates words, except inside quotes and inside JSON
 * braces or brackets ({@code data={"a": 1, "b": [1, 2]}} is one word). Quotes group words and are
 * removed (the modern Python shell sent them along); inside them, backslash escapes the next
 * character. Quotes inside JSON are kept, since they are JSON's own.
 */
final class Words {
    /**
     * A word.
     *
     * @param text the word without its quotes
     * @param quoted true if any part of the value (after the first '=') was quoted
     */
    record Word(String text, boolean quoted) {
    }

    private Words() {
    }

    static List<Word> split(String line) {
        List<Word> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        int depth = 0; // JSON nesting outside shell quotes
        boolean jsonString = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (depth > 0) {
                cur.append(c);
                if (jsonString) {
                    if (c == '\\' && i + 1 < line.length()) {
                        cur.append(line.charAt(++i));
                    } else if (c == '"') {
                        jsonString = false;
                    }
                } else if (c == '"') {
                    jsonString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(new Word(cur.toString(), quoted));
                    cur.setLength(0);
                    inWord = false;
                    quoted = false;
                }
                i++;
                continue;
            }
            inWord = true;
            if (c == '"' || c == '\'') {
                int end = i + 1;
                StringBuilder q = new StringBuilder();
                while (end < line.length() && line.charAt(end) != c) {
                    if (line.charAt(end) == '\\' && end + 1 < line.length()) {
                        end++;
                    }
                    q.append(line.charAt(end));
                    end++;
                }
                if (end >= line.length()) {
                    throw new UsageException("unbalanced " + c + " quote");
                }
                quoted |= cur.indexOf("=") >= 0; // only a quoted value makes the value a string
                cur.append(q);
                i = end + 1;
                continue;
            }
            if ((c == '{' || c == '[') && (cur.length() == 0 || cur.charAt(cur.length() - 1) == '=')) {
                depth = 1;
            }
            cur.append(c);
            i++;
        }
        if (depth > 0) {
            throw new UsageException("unbalanced { or [ in JSON value");
        }
        if (inWord) {
            words.add(new Word(cur.toString(), quoted));
        }
        return words;
    }
}
