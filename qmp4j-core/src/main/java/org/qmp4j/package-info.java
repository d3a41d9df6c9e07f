/**
 * qmp4j's QMP client: {@link org.qmp4j.QmpClient} (connect, execute, events), server mode
 * ({@link org.qmp4j.QmpListener}), the message types ({@link org.qmp4j.Greeting},
 * {@link org.qmp4j.QmpEvent}) and the exception hierarchy rooted at {@link org.qmp4j.QmpException}.
 */
package org.qmp4j;
