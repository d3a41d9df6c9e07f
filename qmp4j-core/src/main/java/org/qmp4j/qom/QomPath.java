package org.qmp4j.qom;

/**
 * A QOM property address, {@code /machine/unattached/device[0].type}: an object path and a property
 * name. Parsed at the <em>last</em> dot, because object paths may contain dots ({@code pci.0}).
 *
 * @param object the object's path, e.g. {@code /machine}
 * @param property the property's name, e.g. {@code type}
 */
public record QomPath(String object, String property) {

    /**
     * @param text {@code PATH.PROPERTY}
     * @return the parsed address
     * @throws IllegalArgumentException when there is no dot, or either side is empty
     */
    public static QomPath parse(String text) {
        int dot = text.lastIndexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new IllegalArgumentException("expected PATH.PROPERTY (e.g. /machine.type), got '" + text + "'");
        }
        return new QomPath(text.substring(0, dot), text.substring(dot + 1));
    }

    /**
     * @param parent an object path
     * @param child a child's name
     * @return the child's path
     */
    public static String join(String parent, String child) {
        return parent.endsWith("/") ? parent + child : parent + "/" + child;
    }

    @Override
    public String toString() {
        return object + "." + property;
    }
}
