package org.qmp4j.bench.jmh;

import java.io.IOException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state every socket benchmark starts from: its own {@link Responder} and a client connected to
 * it (qmp4j's or the raw floor), both set up once per trial and closed in reverse order.
 *
 * @param <C> the client
 */
@State(Scope.Benchmark)
public abstract class Connected<C extends AutoCloseable> {
    Responder server;
    C client;

    /** For subclasses. */
    protected Connected() {
    }

    /**
     * @return the bytes the responder sends before its reply to {@value Responder#FLOOD}; none by
     *     default
     */
    byte[] burst() {
        return new byte[0];
    }

    /**
     * Connects to the responder, then prepares whatever else the benchmark needs.
     *
     * @param responder the started responder
     * @return the connected client
     * @throws IOException when the socket cannot be connected
     */
    abstract C connect(Responder responder) throws IOException;

    /**
     * Closes the client; the responder is stopped after this returns.
     *
     * @throws Exception when the client cannot be closed
     */
    void disconnect() throws Exception {
        client.close();
    }

    /**
     * Starts the responder and connects.
     *
     * @throws IOException when the socket cannot be created
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = Responder.start(burst());
        client = connect(server);
    }

    /**
     * Disconnects and stops the responder.
     *
     * @throws Exception when the client cannot be closed or the socket cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        disconnect();
        server.close();
    }

    /** The raw floor's client on its own responder. */
    public abstract static class Floor extends Connected<RawClient> {
        /** For subclasses. */
        protected Floor() {
        }

        @Override
        RawClient connect(Responder responder) throws IOException {
            return new RawClient(responder.socket());
        }
    }
}
