package org.qmp4j.codegen.qapi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A line of a schema file.
 *
 * @param file the file, as reached from the path given to the parser
 * @param line the line, from 1
 */
public record SourceLocation(Path file, int line) {
    /**
     * Checks the file is given.
     *
     * @param file the file, as reached from the path given to the parser
     * @param line the line, from 1
     */
    public SourceLocation {
        Objects.requireNonNull(file, "file");
    }

    /** @return {@code file:line}, as compilers print it */
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
