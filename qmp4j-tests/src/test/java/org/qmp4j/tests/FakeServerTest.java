package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpException;
import org.qmp4j.QmpProtocolException;
import org.qmp4j.QmpRequest;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.TestAccess;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.RecordedCommand;
import org.qmp4j.testkit.Response;

/** The client against FakeQmpServer: the faults a real QEMU will not produce on demand. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a broken deadline fails its test, it does not hang the fork
class FakeServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private FakeQmpServer server() {
        return server(FakeQmpServer.builder());
    }

    private FakeQmpServer server(FakeQmpServer.Builder b) {
        FakeQmpServer s = b.start();
        toClose.add(s);
        return s;
    }

    private QmpClient connect(QmpClient.Builder b) {
        QmpClient c = b.connect();
        toClose.add(0, c);
        return c;
    }

    private QmpClient connect(FakeQmpServer s) {
        return connect(QmpClient.builder().address(s.address()));
    }

    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("future did not complete within " + WAIT);
        }
        throw new AssertionError("future succeeded");
    }

    // ---- connecting ----

    @Test
    void negotiatesOobWhenOfferedAndSendsExecOob() {
        FakeQmpServer s = server();
        s.on("x-oob-test", Response.returns(Map.of("ok", true)));
        QmpClient qmp = connect(s);
        RecordedCommand negotiation = s.takeCommand(WAIT);
        assertEquals("qmp_capabilities", negotiation.name());
        assertEquals("oob", negotiation.arguments().path("enable").path(0).asText());
        assertTrue(qmp.oobEnabled());
        assertEquals(7, qmp.greeting().version().major());
        assertTrue(qmp.executeOob("x-oob-test", null).path("ok").asBoolean());
        RecordedCommand oob = s.takeCommand(WAIT);
        assertTrue(oob.outOfBand());
        assertTrue(oob.id().isIntegralNumber(), "every command carries an id: " + oob.id());
    }

    @Test
    void idsAreSmallNumbersReusedOnlyWhenNoReplyCanCarryThemAnyMore() throws Exception {
        FakeQmpServer s = server();
        s.on("slow", Response.delay(Duration.ofMillis(300), Response.returns("late")));
        s.on("q", Response.returns("q"));
        s.on("held", Response.delay(Duration.ofMillis(200), Response.returns("held")));
        QmpClient qmp = connect(s);
        assertEquals(1, s.takeCommand(WAIT).id().asLong(), "qmp_capabilities");
        qmp.execute("q");
        qmp.execute("q");
        assertEquals(1, s.takeCommand(WAIT).id().asLong(), "a call whose reply came frees its id");
        assertEquals(1, s.takeCommand(WAIT).id().asLong(), "so sequential calls all send id 1 (QEMU reads ~10 us a byte)");
        assertThrows(QmpTimeoutException.class, () -> qmp.execute("slow", null, Duration.ofMillis(50)));
        assertEquals(1, s.takeCommand(WAIT).id().asLong());
        assertEquals("q", qmp.execute("q").asText());
        assertEquals(2, s.takeCommand(WAIT).id().asLong(), "not 1: slow's late reply was still to come");
        // The server answers in order: slow's late reply came before q's, and freed id 1.
        assertEquals("q", qmp.execute("q").asText());
        long next = s.takeCommand(WAIT).id().asLong();
        assertTrue(next == 1 || next == 2, "a freed id, not a new one: " + next);
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[5];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = qmp.executeAsync("held", null); // all sent before the first reply comes
        }
        CompletableFuture.allOf(inFlight).get(10, TimeUnit.SECONDS);
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (int i = 0; i < inFlight.length; i++) {
            ids.add(s.takeCommand(WAIT).id().asLong());
        }
        assertEquals(5, ids.size(), "calls in flight never share an id: " + ids);
        // Ids 1 and 2 existed; a free one is taken, then new ones: 1 (or 2) and 3 to 6.
        assertTrue(ids.stream().allMatch(id -> id >= 1 && id <= 6), "no more ids than calls need: " + ids);
    }

    @Test
    void withoutOobOfferedTheNegotiationIsPlainAndExecOobIsRefusedLocally() {
        FakeQmpServer s = server(FakeQmpServer.builder().capabilities());
        QmpClient qmp = connect(s);
        assertTrue(s.takeCommand(WAIT).arguments().path("enable").isMissingNode());
        assertFalse(qmp.oobEnabled());
        QmpException e = assertThrows(QmpException.class, () -> qmp.executeOob("x-oob-test", null));
        assertTrue(e.getMessage().contains("not offered"), e.getMessage());
        assertThrows(QmpException.class, () -> qmp.executeOobAsync("x-oob-test", null));
    }

    @Test
    void tcpAddressesWork() {
        FakeQmpServer s = server(FakeQmpServer.builder().tcp());
        s.on("query-status", Response.returns(Map.of("status", "running")));
        QmpClient a = connect(QmpClient.builder().address(s.address()));
        assertEquals("running", a.execute("query-status").path("status").asText());
        a.close();
        QmpClient b = connect(QmpClient.builder().address("tcp:" + s.address()));
        assertEquals("running", b.execute("query-status").path("status").asText());
    }

    @Test
    void ipv6AddressesWork() {
        FakeQmpServer s = server(FakeQmpServer.builder().tcp("::1"));
        assertTrue(s.address().startsWith("[::1]:"), s.address());
        s.on("query-status", Response.returns(Map.of("status", "running")));
        QmpClient qmp = connect(QmpClient.builder().address(s.address()));
        assertEquals("running", qmp.execute("query-status").path("status").asText());
    }

    @Test
    void refusedConnectionIsAConnectionException() {
        QmpConnectionException e = assertThrows(QmpConnectionException.class,
                () -> QmpClient.connect("/tmp/qmp4j-no-such-dir/none.sock"));
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
    }

    @Test
    void garbageGreetingIsAProtocolError() {
        FakeQmpServer s = server(FakeQmpServer.builder().greeting("SSH-2.0-OpenSSH_9.2\r\n"));
        QmpProtocolException e = assertThrows(QmpProtocolException.class, () -> QmpClient.connect(s.address()));
        assertTrue(e.getMessage().contains("'S'"), e.getMessage());
    }

    @Test
    void jsonThatIsNotAGreetingIsAProtocolError() {
        FakeQmpServer s = server(FakeQmpServer.builder().greeting("{\"hello\": \"world\"}\r\n"));
        QmpProtocolException e = assertThrows(QmpProtocolException.class, () -> QmpClient.connect(s.address()));
        assertTrue(e.getMessage().contains("greeting"), e.getMessage());
    }

    @Test
    void greetingWithoutVersionIsAProtocolError() {
        FakeQmpServer s = server(FakeQmpServer.builder().greeting("{\"QMP\": {\"capabilities\": []}}\r\n"));
        QmpProtocolException e = assertThrows(QmpProtocolException.class, () -> QmpClient.connect(s.address()));
        assertTrue(e.getMessage().contains("did not understand the greeting"), e.getMessage());
    }

    @Test
    void missingGreetingTimesOut() {
        FakeQmpServer s = server(FakeQmpServer.builder().greeting(""));
        QmpTimeoutException e = assertThrows(QmpTimeoutException.class,
                () -> QmpClient.builder().address(s.address()).connectTimeout(Duration.ofMillis(300)).connect());
        assertEquals(QmpTimeoutException.Phase.GREETING, e.phase());
        assertEquals(Duration.ofMillis(300), e.timeout());
    }

    @Test
    void failedNegotiationIsAProtocolError() {
        FakeQmpServer s = server();
        s.on("qmp_capabilities", Response.error("GenericError", "nope"));
        QmpProtocolException e = assertThrows(QmpProtocolException.class, () -> QmpClient.connect(s.address()));
        assertTrue(e.getMessage().contains("negotiation failed") && e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void withoutNegotiationCommandsAreRefusedByTheServer() {
        FakeQmpServer s = server();
        QmpClient qmp = connect(QmpClient.builder().address(s.address()).negotiate(false));
        QmpCommandException e = assertThrows(QmpCommandException.class, () -> qmp.execute("query-status"));
        assertEquals("CommandNotFound", e.errorClass());
        assertTrue(e.description().contains("capabilities negotiation"));
        qmp.execute("qmp_capabilities");
    }

    // ---- replies ----

    @Test
    void errorReplyCarriesClassDescriptionAndCommand() {
        FakeQmpServer s = server();
        s.on("device_del", Response.error("DeviceNotFound", "Device 'nic9' not found"));
        QmpClient qmp = connect(s);
        QmpCommandException e = assertThrows(QmpCommandException.class,
                () -> qmp.execute("device_del", Map.of("id", "nic9")));
        assertEquals("DeviceNotFound", e.errorClass());
        assertEquals("Device 'nic9' not found", e.description());
        assertEquals("device_del", e.command());
        assertEquals("nic9", e.request().path("arguments").path("id").asText());
    }

    @Test
    void prettyPrintedAndBackToBackRepliesAreFramed() {
        FakeQmpServer s = server();
        s.on("pretty", Response.raw("{\n    \"return\": {\n        \"a\": \"}{\"\n    },\n    \"id\": $ID\n}\n"));
        QmpClient qmp = connect(s);
        assertEquals("}{", qmp.execute("pretty").path("a").asText());
        // An event and a reply glued together without any newline.
        s.on("glued", Response.raw("{\"event\":\"X\",\"timestamp\":{\"seconds\":1,\"microseconds\":2}}{\"return\":7,\"id\":$ID}"));
        assertEquals(7, qmp.execute("glued").asInt());
        QmpEvent x = qmp.events().next(WAIT);
        assertEquals("X", x.name());
        assertEquals(Instant.ofEpochSecond(1, 2000), x.timestamp());
    }

    @Test
    void repliesAreMatchedByIdNotByOrder() throws Exception {
        FakeQmpServer s = server();
        s.on("slow", Response.delay(Duration.ofMillis(2000), Response.returns("slow"))); // margin for a loaded machine
        s.on("fast", Response.returns("fast"));
        QmpClient qmp = connect(s);
        CompletableFuture<JsonNode> slow = qmp.executeAsync("slow", null);
        CompletableFuture<JsonNode> fast = qmp.executeAsync("fast", null);
        assertEquals("fast", fast.get(10, TimeUnit.SECONDS).asText());
        assertFalse(slow.isDone(), "the slow reply arrives later");
        assertEquals("slow", slow.get(10, TimeUnit.SECONDS).asText());
    }

    @Test
    void asyncCallbacksNeverRunOnTheReaderThread() throws Exception {
        FakeQmpServer s = server();
        s.on("x", Response.delay(Duration.ofMillis(50), Response.ok()));
        QmpClient qmp = connect(s);
        String thread = qmp.executeAsync("x", null).thenApply(r -> Thread.currentThread().getName())
                .get(10, TimeUnit.SECONDS);
        assertFalse(thread.contains("reader"), thread);
    }

    @Test
    void stagesAttachedWhileAThreadWaitsOnAnAsyncCallRunOffTheReader() throws Exception {
        FakeQmpServer s = server();
        s.on("x", Response.delay(Duration.ofMillis(100), Response.returns("x")));
        QmpClient qmp = connect(s);
        for (int i = 0; i < 20; i++) {
            CompletableFuture<JsonNode> f = qmp.executeAsync("x", null);
            // A waiter is woken by the reader and settles the future itself; a stage attached meanwhile
            // runs on the waiter's thread or the callback pool, never on the reader.
            CompletableFuture<JsonNode> waiter = CompletableFuture.supplyAsync(i % 2 == 0 ? f::join : () -> {
                try {
                    return f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<String> thread = f.thenApply(r -> Thread.currentThread().getName());
            assertEquals("x", waiter.get(10, TimeUnit.SECONDS).asText());
            assertFalse(thread.get(10, TimeUnit.SECONDS).startsWith("qmp4j-reader"), thread.get());
        }
    }

    @Test
    void aWaitOnAnAsyncCallEndsWithTheUsersOwnTimeout() throws Exception {
        FakeQmpServer s = server();
        s.on("hang", Response.stall());
        QmpClient qmp = connect(s);
        CompletableFuture<JsonNode> f = qmp.executeAsync("hang", null, Duration.ofMinutes(5))
                .orTimeout(100, TimeUnit.MILLISECONDS);
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getCause());
        CompletableFuture<JsonNode> g = qmp.executeAsync("hang", null, Duration.ofMinutes(5));
        g.completeOnTimeout(null, 100, TimeUnit.MILLISECONDS);
        assertNull(g.get(10, TimeUnit.SECONDS));
        s.on("next", Response.returns(1));
        assertEquals(1, qmp.execute("next").asInt());
    }

    @Test
    void callbacksThatBlockOnOtherCallsOfTheSameClientDoNotDeadlock() throws Exception {
        FakeQmpServer s = server();
        s.on("outer", Response.ok());
        s.on("inner", Response.delay(Duration.ofMillis(20), Response.returns("inner")));
        QmpClient qmp = connect(s);
        // More blocking callbacks than the callback pool has threads: each waits (join, get, and a
        // synchronous execute) on another call whose completion must still get a thread.
        List<CompletableFuture<String>> chained = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            chained.add(qmp.executeAsync("outer", null).thenApply(r -> switch (n % 3) {
                case 0 -> qmp.executeAsync("inner", null).join().asText();
                case 1 -> qmp.execute("inner").asText();
                default -> {
                    try {
                        yield qmp.executeAsync("inner", null).get(10, TimeUnit.SECONDS).asText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        for (CompletableFuture<String> c : chained) {
            assertEquals("inner", c.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTimeoutsCallbacksDoNotRunOnTheSharedTimer() throws Exception {
        FakeQmpServer s = server();
        s.on("x", Response.stall());
        QmpClient qmp = connect(s);
        String thread = qmp.executeAsync("x", null, Duration.ofMillis(50))
                .handle((r, e) -> e instanceof QmpTimeoutException ? Thread.currentThread().getName() : "no timeout: " + e)
                .get(10, TimeUnit.SECONDS);
        assertFalse(thread.contains("timer") || thread.startsWith("no timeout"), thread);
    }

    @Test
    void timedOutCallDoesNotPoisonTheSession() {
        FakeQmpServer s = server();
        s.once("a", Response.delay(Duration.ofMillis(300), Response.returns("late-a")));
        s.on("b", Response.delay(Duration.ofMillis(600), Response.returns("b")));
        QmpClient qmp = connect(s);
        QmpTimeoutException t = assertThrows(QmpTimeoutException.class,
                () -> qmp.execute("a", null, Duration.ofMillis(50)));
        assertEquals(QmpTimeoutException.Phase.COMMAND, t.phase());
        // a's late reply arrives while b waits; b must get its own.
        assertEquals("b", qmp.execute("b").asText());
        assertTrue(qmp.isOpen());
    }

    @Test
    void asyncTimeoutCompletesTheFutureWithATimeout() throws Exception {
        FakeQmpServer s = server();
        s.on("hang", Response.stall());
        QmpClient qmp = connect(s);
        Throwable t = failure(qmp.executeAsync("hang", null, Duration.ofMillis(100)));
        assertInstanceOf(QmpTimeoutException.class, t);
        s.on("next", Response.returns(1));
        assertEquals(1, qmp.execute("next").asInt());
    }

    @Test
    void stalledServerTimesOutEveryCallButKeepsTheSession() {
        FakeQmpServer s = server();
        s.on("hang", Response.stall());
        s.on("ok", Response.ok());
        QmpClient qmp = connect(QmpClient.builder().address(s.address()).commandTimeout(Duration.ofMillis(100)));
        for (int i = 0; i < 3; i++) {
            assertThrows(QmpTimeoutException.class, () -> qmp.execute("hang"));
        }
        assertTrue(qmp.execute("ok").isObject());
    }

    @Test
    void replyWithWrongIdIsDroppedAndTheCallTimesOut() {
        FakeQmpServer s = server();
        s.once("q", Response.wrongId("someone-else"));
        s.on("q", Response.returns("right"));
        QmpClient qmp = connect(s);
        assertThrows(QmpTimeoutException.class, () -> qmp.execute("q", null, Duration.ofMillis(200)));
        assertEquals("right", qmp.execute("q").asText());
    }

    @Test
    void unsolicitedReplyWithUnknownIdIsDropped() {
        FakeQmpServer s = server();
        s.on("q", Response.returns("mine"));
        QmpClient qmp = connect(s);
        s.sendRaw("{\"return\": \"not yours\", \"id\": \"qmp4j-999999\"}\r\n{\"return\": 1, \"id\": 17}\r\n");
        assertEquals("mine", qmp.execute("q").asText());
        assertTrue(qmp.isOpen());
    }

    @Test
    void anInterruptedCallerDoesNotCloseTheSessionForEveryoneElse() {
        FakeQmpServer s = server();
        s.on("q", Response.returns("ok"));
        QmpClient qmp = connect(s);
        Thread.currentThread().interrupt();
        try {
            qmp.execute("q"); // returns if the reply beat the wait, else throws "interrupted": both are fine
        } catch (QmpException interruptedWhileWaiting) {
            assertTrue(interruptedWhileWaiting.getMessage().contains("interrupted"), interruptedWhileWaiting.getMessage());
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt is preserved for the caller");
        }
        assertTrue(qmp.isOpen());
        assertEquals("ok", qmp.execute("q").asText());
        assertEquals("ok", qmp.execute("q", null, Duration.ofDays(365 * 1000)).asText());
    }

    @Test
    void cancellingAFutureStopsWaitingAndForgetsTheCall() throws Exception {
        FakeQmpServer s = server();
        s.on("hang", Response.delay(Duration.ofMillis(200), Response.returns("late")));
        s.on("q", Response.delay(Duration.ofMillis(400), Response.returns("q")));
        QmpClient qmp = connect(s);
        CompletableFuture<JsonNode> f = qmp.executeAsync("hang", null, Duration.ofMinutes(5));
        s.takeCommand(WAIT); // qmp_capabilities
        assertEquals("hang", s.takeCommand(WAIT).name(), "cancel after the command is on the wire");
        f.cancel(true);
        assertTrue(f.isCancelled());
        assertEquals(0, TestAccess.pendingCalls(qmp), "a cancelled call is forgotten at once, not at its deadline");
        // The server answers "hang" first: its late reply is dropped, and q gets its own.
        assertEquals("q", qmp.execute("q").asText());
        assertEquals(0, TestAccess.pendingCalls(qmp));
        assertTrue(qmp.isOpen());
    }

    @Test
    void aTimedOutCallLeavesNothingPendingAndItsLateReplyGoesNowhere() throws Exception {
        FakeQmpServer s = server();
        s.on("slow", Response.delay(Duration.ofMillis(300), Response.returns("late")));
        s.on("q", Response.returns("q"));
        QmpClient qmp = connect(s);
        assertThrows(QmpTimeoutException.class, () -> qmp.execute("slow", null, Duration.ofMillis(50)));
        assertEquals(0, TestAccess.pendingCalls(qmp), "the synchronous call forgot itself");
        Throwable async = failure(qmp.executeAsync(QmpRequest.of("slow").timeout(Duration.ofMillis(50))));
        assertInstanceOf(QmpTimeoutException.class, async);
        assertEquals(0, TestAccess.pendingCalls(qmp), "the asynchronous call forgot itself");
        // The server answers in order: by the time q's reply is here, both late replies have come and gone.
        assertEquals("q", qmp.execute("q").asText());
        assertEquals(0, TestAccess.pendingCalls(qmp));
    }

    @Test
    void aRequestCarriesItsOwnTimeoutInEveryCombination() throws Exception {
        FakeQmpServer s = server();
        s.on("hang", Response.stall());
        QmpClient qmp = connect(QmpClient.builder().address(s.address()).commandTimeout(Duration.ofMinutes(5)));
        QmpRequest hang = QmpRequest.of("hang").timeout(Duration.ofMillis(150));
        for (QmpRequest r : List.of(hang, hang.oob())) {
            QmpTimeoutException sync = assertThrows(QmpTimeoutException.class, () -> qmp.execute(r), r.toString());
            assertEquals(Duration.ofMillis(150), sync.timeout());
            QmpTimeoutException async = assertInstanceOf(QmpTimeoutException.class, failure(qmp.executeAsync(r)));
            assertEquals(Duration.ofMillis(150), async.timeout());
        }
        List<RecordedCommand> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(s.takeCommand(WAIT)); // qmp_capabilities, then the four
        }
        assertEquals(List.of(false, false, true, true), sent.subList(1, 5).stream().map(RecordedCommand::outOfBand).toList());
        assertEquals(0, TestAccess.pendingCalls(qmp));
    }

    @Test
    void aRequestIsSentWithItsArguments() {
        FakeQmpServer s = server();
        s.on("blockdev-add", Response.ok());
        QmpClient qmp = connect(s);
        QmpRequest add = QmpRequest.of("blockdev-add").arg("driver", "null-co").args(Map.of("node-name", "d0"));
        qmp.execute(add);
        qmp.execute(add.arg("read-only", true));
        s.takeCommand(WAIT); // qmp_capabilities
        assertEquals("{\"driver\":\"null-co\",\"node-name\":\"d0\"}", s.takeCommand(WAIT).arguments().toString());
        assertEquals("{\"driver\":\"null-co\",\"node-name\":\"d0\",\"read-only\":true}",
                s.takeCommand(WAIT).arguments().toString());
    }

    @Test
    void anOutOfBandRequestWithoutOobIsRefusedBeforeSending() {
        FakeQmpServer s = server(FakeQmpServer.builder().capabilities());
        QmpClient qmp = connect(s);
        QmpException e = assertThrows(QmpException.class, () -> qmp.execute(QmpRequest.of("x-oob-test").oob()));
        assertTrue(e.getMessage().contains("not offered"), e.getMessage());
        assertInstanceOf(QmpException.class, assertThrows(ExecutionException.class,
                () -> qmp.executeAsync(QmpRequest.of("x-oob-test").oob()).get(10, TimeUnit.SECONDS)).getCause());
        s.takeCommand(WAIT); // qmp_capabilities
        assertThrows(AssertionError.class, () -> s.takeCommand(Duration.ofMillis(200)), "nothing was sent");
    }

    @Test
    void anEventInTheSameWriteAsTheNegotiationReplyIsNotMissed() {
        FakeQmpServer s = server();
        // One write: an event, the reply, another event. The reader handles all three before connect() returns.
        s.on("qmp_capabilities", Response.raw(
                "{\"event\": \"EARLY\", \"data\": {\"n\": 1}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"
                + "{\"return\": {}, \"id\": $ID}\r\n"
                + "{\"event\": \"LATER\", \"data\": {\"n\": 2}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 3}}\r\n"));
        QmpClient qmp = connect(s);
        assertEquals("EARLY", qmp.events().next(WAIT).name());
        assertEquals("LATER", qmp.events().next(WAIT).name());
    }

    @Test
    void predicateSubscriptionsFilterOnNameAndData() {
        FakeQmpServer s = server();
        QmpClient qmp = connect(s);
        try (EventSubscription net0 = qmp.subscribe(e -> e.name().equals("DEVICE_DELETED")
                && "net0".equals(e.data().path("device").asText()));
                EventSubscription broken = qmp.subscribe(e -> {
                    throw new IllegalStateException("a bug in the caller's filter");
                })) {
            s.sendEvent("DEVICE_DELETED", Map.of("device", "disk0", "path", "/machine/peripheral/disk0"));
            s.sendEvent("STOP", Map.of("device", "net0"));
            s.sendEvent("DEVICE_DELETED", Map.of("device", "net0", "path", "/machine/peripheral/net0"));
            QmpEvent e = net0.next(WAIT);
            assertEquals("/machine/peripheral/net0", e.data().path("path").asText());
            assertEquals(3, qmp.events().drain().size(), "the built-in subscription got all three");
            assertNull(net0.poll(Duration.ofMillis(100)));
            assertNull(broken.poll(Duration.ZERO), "a throwing filter takes nothing");
            assertTrue(qmp.isOpen(), "and does not end the session");
            assertTrue(net0.names().isEmpty());
            QmpTimeoutException t = assertThrows(QmpTimeoutException.class, () -> net0.next(Duration.ofMillis(50)));
            assertTrue(t.getMessage().contains("a matching event"), t.getMessage());
        }
    }

    @Test
    void whenClosedCompletesNormallyAfterClose() throws Exception {
        FakeQmpServer s = server();
        QmpClient qmp = connect(s);
        CompletableFuture<Void> before = qmp.whenClosed();
        assertFalse(before.isDone());
        before.complete(null); // a copy: completing it does nothing to the client
        assertTrue(qmp.isOpen());
        CompletableFuture<Void> pending = qmp.whenClosed();
        CompletableFuture<String> thread = pending.thenApply(v -> Thread.currentThread().getName());
        qmp.close();
        assertNull(pending.get(10, TimeUnit.SECONDS));
        assertFalse(thread.get(10, TimeUnit.SECONDS).startsWith("qmp4j-reader"), thread.get());
        assertTrue(qmp.whenClosed().isDone() && !qmp.whenClosed().isCompletedExceptionally());
    }

    @Test
    void whenClosedFailsWithTheCauseWhenTheConnectionIsLostOrBroken() throws Exception {
        FakeQmpServer s = server();
        QmpClient qmp = connect(s);
        CompletableFuture<Void> ended = qmp.whenClosed();
        CompletableFuture<String> thread = ended.handle((v, e) -> Thread.currentThread().getName());
        s.disconnect();
        assertInstanceOf(QmpConnectionException.class, failure(ended));
        assertFalse(thread.get(10, TimeUnit.SECONDS).startsWith("qmp4j-reader"), "user stages never run on the reader");
        assertInstanceOf(QmpConnectionException.class, failure(qmp.whenClosed()), "and later calls see the same");

        FakeQmpServer g = server();
        g.on("q", Response.garbage("not JSON\r\n"));
        QmpClient broken = connect(g);
        CompletableFuture<Void> end = broken.whenClosed();
        assertThrows(QmpConnectionException.class, () -> broken.execute("q"));
        assertInstanceOf(QmpProtocolException.class, failure(end), "the protocol error itself");
    }

    // ---- faults that end the session ----

    @Test
    void garbageReplyEndsTheSessionWithAProtocolCause() throws Exception {
        FakeQmpServer s = server();
        s.on("q", Response.garbage("this is not JSON\r\n"));
        s.on("hang", Response.stall());
        QmpClient qmp = connect(s);
        CompletableFuture<JsonNode> bystander = qmp.executeAsync("hang", null);
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> qmp.execute("q"));
        assertInstanceOf(QmpProtocolException.class, e.getCause());
        assertInstanceOf(QmpConnectionException.class, failure(bystander));
        assertFalse(qmp.isOpen());
        assertThrows(QmpConnectionException.class, () -> qmp.execute("q"));
    }

    @Test
    void invalidJsonInsideAnObjectEndsTheSession() {
        FakeQmpServer s = server();
        s.on("q", Response.raw("{\"return\": nonsense, \"id\": $ID}\r\n"));
        QmpClient qmp = connect(s);
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> qmp.execute("q"));
        assertInstanceOf(QmpProtocolException.class, e.getCause());
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    @Test
    void hostilelyDeepNestingEndsTheSessionWithAProtocolCauseNotAStackOverflow() {
        FakeQmpServer s = server();
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        s.on("q", Response.raw("{\"return\": " + deep + ", \"id\": $ID}\r\n"));
        s.on("e", Response.raw("{\"event\": \"X\", \"data\": {\"a\": " + deep + "}}\r\n{\"return\": 1, \"id\": $ID}\r\n"));
        QmpClient qmp = connect(s);
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> qmp.execute("q"));
        assertInstanceOf(QmpProtocolException.class, e.getCause());
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        QmpClient other = connect(s);
        QmpConnectionException viaEvent = assertThrows(QmpConnectionException.class, () -> other.execute("e"));
        assertInstanceOf(QmpProtocolException.class, viaEvent.getCause());
    }

    @Test
    void errorWithoutIdEndsTheSessionWithAProtocolCause() {
        FakeQmpServer s = server();
        s.on("q", Response.errorWithoutId("GenericError", "JSON parse error, stray '\\'"));
        QmpClient qmp = connect(s);
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> qmp.execute("q"));
        assertInstanceOf(QmpProtocolException.class, e.getCause());
        assertTrue(e.getMessage().contains("without id"), e.getMessage());
    }

    @Test
    void disconnectMidReplyFailsTheCallAndEveryLaterOne() {
        FakeQmpServer s = server();
        s.on("q", Response.disconnectMidReply());
        QmpClient qmp = connect(s);
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> qmp.execute("q"));
        assertTrue(e.getMessage().contains("closed by"), e.getMessage());
        assertThrows(QmpConnectionException.class, () -> qmp.execute("q"));
        assertTrue(qmp.executeAsync("q", null).isCompletedExceptionally());
    }

    @Test
    void lostConnectionFailsEveryPendingCallAtOnce() throws Exception {
        FakeQmpServer s = server();
        s.on("hang", Response.stall());
        QmpClient qmp = connect(s);
        EventSubscription sub = qmp.subscribe("STOP");
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(qmp.executeAsync("hang", null, Duration.ofMinutes(5)));
        }
        s.takeCommand(WAIT); // negotiation
        for (int i = 0; i < 200; i++) {
            s.takeCommand(WAIT);
        }
        s.disconnect();
        // Every call fails with a connection error well before its 5-minute deadline.
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).handle((r, e) -> null)
                .get(1, TimeUnit.SECONDS);
        for (CompletableFuture<JsonNode> c : calls) {
            assertInstanceOf(QmpConnectionException.class, failure(c));
        }
        assertThrows(QmpConnectionException.class, () -> sub.next(Duration.ofMinutes(1)));
    }

    @Test
    void messageOverTheSizeLimitEndsTheSession() {
        FakeQmpServer s = server();
        s.on("small", Response.returns("x".repeat(60_000)));
        s.on("big", Response.returns("x".repeat(70_000)));
        QmpClient qmp = connect(QmpClient.builder().address(s.address()).maxMessageSize(64 * 1024));
        assertEquals(60_000, qmp.execute("small").asText().length());
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> qmp.execute("big"));
        assertInstanceOf(QmpProtocolException.class, e.getCause());
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void peerThatStopsReadingFailsTheWriteAfterTheWriteTimeout() {
        FakeQmpServer s = server();
        s.on("stop-reading", Response.stopReading());
        QmpClient qmp = connect(QmpClient.builder().address(s.address()).writeTimeout(Duration.ofMillis(300)));
        assertThrows(QmpTimeoutException.class, () -> qmp.execute("stop-reading", null, Duration.ofMillis(200)));
        String blob = "y".repeat(4 << 20); // far more than the socket buffers hold
        QmpConnectionException e = assertThrows(QmpConnectionException.class,
                () -> qmp.execute("big", Map.of("blob", blob), Duration.ofMinutes(5)));
        QmpTimeoutException cause = assertInstanceOf(QmpTimeoutException.class, e.getCause());
        assertEquals(QmpTimeoutException.Phase.WRITE, cause.phase());
        assertFalse(qmp.isOpen());
    }

    // ---- events ----

    @Test
    void eventsSentRightAfterConnectAreInTheBuiltInSubscription() {
        FakeQmpServer s = server();
        QmpClient qmp = connect(s);
        s.sendEvent("RESUME", null);
        s.sendEvent("STOP", Map.of("why", "test"));
        QmpEvent resume = qmp.events().next(WAIT);
        assertEquals("RESUME", resume.name());
        assertTrue(resume.data().isObject() && resume.data().isEmpty());
        assertNotNull(resume.timestamp());
        QmpEvent stop = qmp.events().next(WAIT);
        assertEquals("test", stop.data().path("why").asText());
        assertNull(qmp.events().poll(Duration.ZERO));
    }

    @Test
    void subscriptionsFilterByNameAndCloseUnregisters() {
        FakeQmpServer s = server();
        QmpClient qmp = connect(s);
        EventSubscription stops = qmp.subscribe("STOP");
        EventSubscription all = qmp.subscribe();
        s.sendEvent("RESUME", null);
        s.sendEvent("STOP", null);
        assertEquals("STOP", stops.next(WAIT).name());
        assertEquals("RESUME", all.next(WAIT).name());
        assertEquals("STOP", all.next(WAIT).name());
        stops.close();
        assertThrows(QmpException.class, () -> stops.poll(Duration.ZERO));
        QmpTimeoutException t = assertThrows(QmpTimeoutException.class, () -> all.next(Duration.ofMillis(50)));
        assertEquals(QmpTimeoutException.Phase.EVENT, t.phase());
    }

    @Test
    void eventFloodNeitherDelaysRepliesNorGrowsQueuesBeyondTheirBound() throws Exception {
        int flood = 300_000;
        FakeQmpServer s = server();
        s.on("during", Response.delay(Duration.ofMillis(20), Response.returns("during")));
        s.on("after", Response.returns("after"));
        QmpClient qmp = connect(QmpClient.builder().address(s.address()).eventQueueCapacity(1000));
        EventSubscription other = qmp.subscribe("SOMETHING_ELSE");
        CompletableFuture<Void> sent = s.floodEvents("BLOCK_JOB_PROGRESS", flood);
        assertEquals("during", qmp.execute("during").asText());
        sent.get(60, TimeUnit.SECONDS);
        // The reply to "after" follows every event in the stream, so all events have been routed by then.
        assertEquals("after", qmp.execute("after").asText());
        EventSubscription events = qmp.events();
        assertEquals(1000, events.size());
        assertEquals(flood - 1000, events.dropped());
        assertEquals(flood - 1000, events.next(WAIT).data().path("seq").asInt(), "the oldest were dropped");
        assertEquals(0, other.size());
    }
}
