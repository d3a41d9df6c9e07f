/** The QEMU guest agent: {@link org.qmp4j.qga.GuestAgentClient}, on the same engine as QMP. */
package org.qmp4j.qga;
