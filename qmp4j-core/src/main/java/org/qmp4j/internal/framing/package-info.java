/**
 * Bytes to JSON objects and back: {@link org.qmp4j.internal.framing.JsonFramer} finds object boundaries in
 * the stream (and handles the guest agent's 0xFF resync byte); {@link org.qmp4j.internal.framing.JsonCodec}
 * parses and encodes with Jackson.
 */
package org.qmp4j.internal.framing;
