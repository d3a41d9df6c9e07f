/** QEMU's object model over QMP: {@link org.qmp4j.qom.Qom} (list, get, set, tree) and {@link org.qmp4j.qom.QomPath}. */
package org.qmp4j.qom;
