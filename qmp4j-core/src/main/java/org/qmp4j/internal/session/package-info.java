/**
 * The protocol engine shared by QMP and the guest agent: {@link org.qmp4j.internal.session.MessageSession}
 * owns one connection's reader thread, ids, pending replies and failure handling; protocol rules
 * plug in as a {@link org.qmp4j.internal.session.MessageSession.Handler}. {@link org.qmp4j.internal.session.Threads}
 * is the one place threads are made.
 */
package org.qmp4j.internal.session;
