package org.qmp4j.cli.tools;

import org.qmp4j.QmpCommandException;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.qom.QomPath;

/** Turns QEMU's QOM errors into lines that name what the user typed. */
final class QomErrors {
    private QomErrors() {
    }

    static ToolFailure of(QmpCommandException e, String object, String property) {
        String d = e.description();
        String message;
        if ("DeviceNotFound".equals(e.errorClass())) {
            message = "no such object '" + object + "'";
        } else if (property != null && d.startsWith("Property '") && d.endsWith("' not found")) {
            message = "no such property '" + property + "' on " + object;
        } else {
            message = d;
        }
        return new ToolFailure(message + " (" + e.errorClass() + ")", ExitCode.FAILURE, e);
    }

    static ToolFailure of(QmpCommandException e, QomPath path) {
        return of(e, path.object(), path.property());
    }
}
