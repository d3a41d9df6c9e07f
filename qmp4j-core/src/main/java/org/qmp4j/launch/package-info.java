/** Helpers that start QEMU: {@link org.qmp4j.launch.QemuProcess}, a throwaway QEMU with a private QMP socket. */
package org.qmp4j.launch;
