package org.qmp4j.codegen.java;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The fixed rules that turn QAPI names into Java names, so users can predict them: a command's method is
 * its name in lowerCamelCase ({@code query-status} → {@code queryStatus}, {@code device_del} →
 * {@code deviceDel}, {@code x-blockdev-change} → {@code xBlockdevChange}); its inline arguments are the
 * record {@code QueryStatusArgs}; an event is {@code StopEvent}, {@code DeviceDeletedEvent}; members are
 * lowerCamelCase record components ({@code node-name} → {@code nodeName}); enum values are UPPER_SNAKE
 * constants ({@code pc-q35} → {@code PC_Q35}). A name that would be a Java keyword, or start with a digit,
 * gets an underscore ({@code default} → {@code default_}, {@code 0.10} → {@code _0_10}), and so does a member
 * named like a method of {@code Object} ({@code wait} → {@code wait_}: a record component cannot be).
 */
public final class Names {
    /** The words the JLS reserves (keywords, literals and {@code _}): no identifier can be one. */
    private static final Set<String> RESERVED = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "_");

    /** Also kept clear of in generated names: the contextual keywords, which would confuse a reader. */
    private static final Set<String> KEYWORDS = union(RESERVED,
            Set.of("var", "yield", "record", "sealed", "permits", "non-sealed"));

    /** Object's methods without parameters: a record component cannot be named like one. */
    private static final Set<String> OBJECT_METHODS = Set.of("clone", "finalize", "getClass", "hashCode", "notify",
            "notifyAll", "toString", "wait");

    private Names() {
    }

    /**
     * @param name e.g. {@code com.example.qemu}
     * @return whether it is a Java package name: dot-separated identifiers, none of them a reserved word
     */
    public static boolean isPackageName(String name) {
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || RESERVED.contains(part) || !Character.isJavaIdentifierStart(part.codePointAt(0))
                    || !part.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param command a command's QAPI name
     * @return its method's name: {@code query-status} → {@code queryStatus}
     */
    public static String method(String command) {
        return safe(lowerCamel(command));
    }

    /**
     * @param command a command's QAPI name
     * @return the record of its inline arguments: {@code qom-get} → {@code QomGetArgs}
     */
    public static String argumentsRecord(String command) {
        return upperCamel(command) + "Args";
    }

    /**
     * @param event an event's QAPI name
     * @return its record: {@code DEVICE_DELETED} → {@code DeviceDeletedEvent}
     */
    public static String eventRecord(String event) {
        return upperCamel(event) + "Event";
    }

    /**
     * @param type a QAPI type's name (already CamelCase in QEMU's schemas, sometimes with dashes)
     * @return the Java type's name: {@code BlockdevOptions} stays, {@code X-Foo-bar} → {@code XFooBar}
     */
    public static String type(String type) {
        if (type.indexOf('-') < 0 && type.indexOf('_') < 0 && Character.isUpperCase(type.charAt(0))) {
            return type;
        }
        return upperCamel(type);
    }

    /**
     * @param member a member's QAPI name (without the {@code *} of an optional one)
     * @return its record component: {@code node-name} → {@code nodeName}, {@code default} → {@code default_},
     *     and like a keyword the name of a method of {@code Object} ({@code wait} → {@code wait_})
     */
    public static String member(String member) {
        String name = safe(lowerCamel(member));
        return OBJECT_METHODS.contains(name) ? name + "_" : name;
    }

    /**
     * @param value an enum value
     * @return its constant: {@code pc-q35} → {@code PC_Q35}, {@code 0.10} → {@code _0_10}
     */
    public static String constant(String value) {
        StringBuilder b = new StringBuilder(value.length() + 4);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                // A lowerUpper boundary inside a value (rare: 'virtioNet') becomes a word break too.
                if (i > 0 && Character.isUpperCase(c) && Character.isLowerCase(value.charAt(i - 1))) {
                    b.append('_');
                }
                b.append(Character.toUpperCase(c));
            } else if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
                b.append('_');
            }
        }
        String s = b.toString();
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            s = "_" + s;
        }
        return s.equals("UNKNOWN") ? "UNKNOWN_" : s; // UNKNOWN is ours: values the schema did not know
    }

    private static String lowerCamel(String name) {
        String upper = upperCamel(name);
        int i = 0;
        // "VNC_CONNECTED" → "vncConnected"; "XDbgBlockGraph" → "xDbgBlockGraph"
        while (i < upper.length() - 1 && Character.isUpperCase(upper.charAt(i)) && Character.isUpperCase(upper.charAt(i + 1))
                && !(i + 2 < upper.length() && Character.isLowerCase(upper.charAt(i + 2)))) {
            i++;
        }
        return upper.substring(0, i + 1).toLowerCase(Locale.ROOT) + upper.substring(i + 1);
    }

    private static String upperCamel(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean allCaps = name.equals(name.toUpperCase(Locale.ROOT)); // events: DEVICE_DELETED
        boolean up = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '-' || c == '_' || c == '.' || c == ' ') {
                up = true;
                continue;
            }
            if (up) {
                b.append(Character.toUpperCase(c));
                up = false;
            } else {
                b.append(allCaps ? Character.toLowerCase(c) : c);
            }
        }
        if (b.length() == 0 || Character.isDigit(b.charAt(0))) {
            b.insert(0, '_');
        }
        return b.toString();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static String safe(String name) {
        return KEYWORDS.contains(name) ? name + "_" : name;
    }
}
