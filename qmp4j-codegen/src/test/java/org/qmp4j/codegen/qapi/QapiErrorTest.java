package org.qmp4j.codegen.qapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Malformed and inconsistent schemas: each a QapiException that names file:line. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QapiErrorTest {
    @TempDir
    Path dir;

    /** Parses {@code text} as schema.json and returns the error message with the directory cut off. */
    private String error(String text) throws IOException {
        Files.writeString(dir.resolve("schema.json"), text);
        QapiException e = assertThrows(QapiException.class, () -> QapiParser.parse(dir.resolve("schema.json")));
        assertEquals(dir.resolve(e.location().file().getFileName()), e.location().file());
        return e.getMessage().replace(dir + "/", "");
    }

    @Test
    void unknownKey() throws IOException {
        assertEquals("schema.json:2: struct 'S' has unknown key 'colour'",
                error("{ 'struct': 'S', 'data': {},\n  'colour': 'red' }"));
    }

    @Test
    void missingKey() throws IOException {
        assertEquals("schema.json:1: union 'U' lacks key 'discriminator'",
                error("{ 'union': 'U', 'base': {}, 'data': {} }"));
    }

    @Test
    void lexicalErrors() throws IOException {
        assertEquals("schema.json:2: missing terminating \"'\"", error("\n{ 'struct': 'S\n  'data': {} }\n"));
        assertEquals("schema.json:1: QAPI strings are single-quoted, found '\"'", error("{ \"struct\": 'S' }"));
        assertEquals("schema.json:3: expected ',' or '}', found '''",
                error("{ 'struct': 'S',\n 'data': {}\n 'x': 1 }"));
        assertEquals("schema.json:1: expected '{' or a comment at the top level, found '['", error("[ 'a' ]"));
        assertEquals("schema.json:1: duplicate key 'data'", error("{ 'struct': 'S', 'data': {}, 'data': {} }"));
        assertEquals("schema.json:1: expected a value, found the end of the file", error("{ 'struct': "));
    }

    @Test
    void unknownTypeIsReportedWhereItIsReferenced() throws IOException {
        assertEquals("schema.json:3: struct 'S' member 'b' refers to unknown type 'Nope'",
                error("{ 'struct': 'S',\n  'data': { 'a': 'int',\n            '*b': ['Nope'] } }"));
        assertEquals("schema.json:1: command 'c' 'returns' refers to 'e', which is a command, not a type",
                error("{ 'command': 'c', 'returns': 'e' }\n{ 'command': 'e' }"));
    }

    @Test
    void unknownTypeInAnIncludedFileNamesThatFile() throws IOException {
        Files.writeString(dir.resolve("inc.json"), "# comment\n{ 'event': 'E', 'data': 'Missing' }\n");
        assertEquals("inc.json:2: event 'E' 'data' refers to unknown type 'Missing'",
                error("{ 'include': 'inc.json' }"));
        assertEquals("schema.json:2: can't read include file gone.json: no such file",
                error("\n{ 'include': 'gone.json' }"));
    }

    @Test
    void duplicateDefinition() throws IOException {
        assertEquals("schema.json:2: 'S' is already defined at schema.json:1",
                error("{ 'struct': 'S', 'data': {} }\n{ 'enum': 'S', 'data': [] }"));
    }

    @Test
    void conditionsAndFlags() throws IOException {
        assertEquals("schema.json:1: struct 'S' 'if' has unknown operator 'one'",
                error("{ 'struct': 'S', 'data': {}, 'if': { 'one': 'X' } }"));
        assertEquals("schema.json:1: struct 'S' 'if' 'all' must be a non-empty array",
                error("{ 'struct': 'S', 'data': {}, 'if': { 'all': [] } }"));
        assertEquals("schema.json:1: command 'c' is 'boxed', so its 'data' must name a type",
                error("{ 'command': 'c', 'boxed': true }"));
        assertEquals("schema.json:2: event 'E' is 'boxed', so its 'data' must name a type",
                error("{ 'event': 'E', 'boxed': true,\n  'data': { 'a': 'int' } }"));
        assertEquals("schema.json:1: alternate 'A' 'data' must not be empty", error("{ 'alternate': 'A', 'data': {} }"));
        assertEquals("schema.json:1: command 'c' 'boxed' must be true or false",
                error("{ 'command': 'c', 'boxed': 'yes' }"));
    }

    @Test
    void unionsAreCheckedAgainstTheirBase() throws IOException {
        String types = "{ 'enum': 'K', 'data': [ 'a' ] }\n{ 'struct': 'A', 'data': {} }\n";
        assertEquals("schema.json:3: union 'U': discriminator 'kind' is not a member of the base",
                error(types + "{ 'union': 'U', 'base': { 'type': 'K' }, 'discriminator': 'kind', 'data': {} }"));
        assertEquals("schema.json:3: union 'U': branch 'b' is not a value of 'K'",
                error(types + "{ 'union': 'U', 'base': { 'kind': 'K' }, 'discriminator': 'kind',\n"
                        + "  'data': { 'b': 'A' } }"));
        assertEquals("schema.json:4: union 'U' branch 'a' refers to 'K', which is an enum, not a struct or union",
                error(types + "{ 'union': 'U', 'base': { 'kind': 'K' }, 'discriminator': 'kind',\n"
                        + "  'data': { 'a': 'K' } }"));
    }

    @Test
    void docBlocks() throws IOException {
        assertEquals("schema.json:5: definition of 'T' follows documentation for 'S'",
                error("##\n# @S:\n# text\n##\n{ 'struct': 'T', 'data': {} }"));
        assertEquals("schema.json:1: documentation comment must end with '##'", error("##\n# @S:\n"));
        assertEquals("schema.json:2: missing space after '#' in a documentation comment", error("##\n#@S:\n##\n"));
        assertEquals("schema.json:1: documentation for 'S' is not followed by its definition",
                error("##\n# @S:\n##\n{ 'include': 'x.json' }"));
    }
}
