package org.qmp4j.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two small schemas: the expected one with real type names (as a generated API carries it), the live one
 * with QEMU's numbers for them, so every match has to come from the structure.
 */
class SchemaDriftTest {
    private static final String BUILTINS = """
            {'name':'str','meta-type':'builtin','json-type':'string'},
            {'name':'int','meta-type':'builtin','json-type':'int'},
            {'name':'bool','meta-type':'builtin','json-type':'boolean'},
            """;

    private static QmpSchema schema(String entities) throws Exception {
        return QmpSchema.parse(new ObjectMapper().readTree(("[" + BUILTINS + entities + "]").replace('\'', '"')));
    }

    private static final String EXPECTED = """
            {'name':'q_empty','meta-type':'object','members':[]},
            {'name':'RunState','meta-type':'enum','values':['running','paused']},
            {'name':'StatusInfo','meta-type':'object','members':[
              {'name':'running','type':'bool'},{'name':'singlestep','type':'bool'},{'name':'status','type':'RunState'}]},
            {'name':'query-status','meta-type':'command','arg-type':'q_empty','ret-type':'StatusInfo'},
            {'name':'Opts','meta-type':'object','members':[{'name':'driver','type':'Driver'},{'name':'id','type':'str','default':null}],
              'tag':'driver','variants':[{'case':'file','type':'FileOpts'}]},
            {'name':'Driver','meta-type':'enum','values':['file']},
            {'name':'FileOpts','meta-type':'object','members':[{'name':'filename','type':'str'}]},
            {'name':'blockdev-add','meta-type':'command','arg-type':'Opts','ret-type':'q_empty'},
            {'name':'q_obj_old-arg','meta-type':'object','members':[{'name':'n','type':'int'}]},
            {'name':'old','meta-type':'command','arg-type':'q_obj_old-arg','ret-type':'q_empty'},
            {'name':'JobInfo','meta-type':'object','members':[{'name':'type','type':'str'}]},
            {'name':'[JobInfo]','meta-type':'array','element-type':'JobInfo'},
            {'name':'query-jobs','meta-type':'command','arg-type':'q_empty','ret-type':'[JobInfo]'},
            {'name':'STOP','meta-type':'event','arg-type':'q_empty'},
            {'name':'GONE','meta-type':'event','arg-type':'q_empty'}
            """;

    private static final String LIVE = """
            {'name':'0','meta-type':'object','members':[]},
            {'name':'1','meta-type':'enum','values':['running','paused','suspended']},
            {'name':'2','meta-type':'object','members':[{'name':'running','type':'bool'},{'name':'status','type':'1'}]},
            {'name':'query-status','meta-type':'command','arg-type':'0','ret-type':'2'},
            {'name':'3','meta-type':'object','members':[{'name':'driver','type':'4'},{'name':'id','type':'str','default':null},
              {'name':'active','type':'bool','default':null}],
              'tag':'driver','variants':[{'case':'file','type':'5'},{'case':'nbd','type':'0'}]},
            {'name':'4','meta-type':'enum','values':['file','nbd']},
            {'name':'5','meta-type':'object','members':[{'name':'filename','type':'str'},{'name':'aio','type':'int'}]},
            {'name':'blockdev-add','meta-type':'command','arg-type':'3','ret-type':'0'},
            {'name':'6','meta-type':'enum','values':['commit','mirror']},
            {'name':'7','meta-type':'object','members':[{'name':'type','type':'6'}]},
            {'name':'[7]','meta-type':'array','element-type':'7'},
            {'name':'query-jobs','meta-type':'command','arg-type':'0','ret-type':'[7]'},
            {'name':'8','meta-type':'object','members':[{'name':'path','type':'str'}]},
            {'name':'qom-list-get','meta-type':'command','arg-type':'8','ret-type':'0'},
            {'name':'STOP','meta-type':'event','arg-type':'0'},
            {'name':'NEW','meta-type':'event','arg-type':'0'}
            """;

    @Test
    void findsWhatIsNewMissingAndChangedByStructure() throws Exception {
        SchemaDrift drift = SchemaDrift.between(schema(EXPECTED), schema(LIVE));
        assertEquals(List.of("qom-list-get"), drift.newCommands());
        assertEquals(List.of("old"), drift.missingCommands());
        assertEquals(List.of("NEW"), drift.newEvents());
        assertEquals(List.of("GONE"), drift.missingEvents());
        assertEquals(new SchemaDrift.Change("query-status", List.of("return value 'singlestep' removed")),
                drift.changedCommands().get(1));
        assertEquals(List.of("argument 'active' added (optional)",
                "argument 'aio' (when driver is 'file') added (required)"), drift.changedCommands().get(0).changes());
        assertEquals("blockdev-add", drift.changedCommands().get(0).name());
        // query-jobs' type went from str to an enum: a string on the wire still, so no change to report.
        assertEquals(2, drift.changedCommands().size());
        assertEquals(Map.of("RunState", List.of("suspended"), "Driver", List.of("nbd")), drift.newEnumValues());
        assertTrue(!drift.isEmpty());
        String report = drift.toString();
        assertTrue(report.contains("new commands (QEMU has them, the expected schema does not): 1\n  qom-list-get\n"),
                report);
        assertTrue(report.contains("  RunState: suspended"), report);
    }

    @Test
    void aSchemaHasNoDriftFromItself() throws Exception {
        SchemaDrift drift = SchemaDrift.between(schema(EXPECTED), schema(EXPECTED));
        assertTrue(drift.isEmpty(), drift.toString());
        assertEquals("no drift: QEMU's schema matches", drift.toString());
    }

    @Test
    void aRetypedArgumentIsReported() throws Exception {
        String live = EXPECTED.replace("{'name':'n','type':'int'}", "{'name':'n','type':'str'}");
        SchemaDrift drift = SchemaDrift.between(schema(EXPECTED), schema(live));
        assertEquals(List.of(new SchemaDrift.Change("old", List.of("argument 'n': int is now str"))),
                drift.changedCommands());
    }
}
