package org.qmp4j.fuse;

import org.qmp4j.cli.Main;

/**
 * {@code bin/qom-fuse}: runs {@link QomFuseTool} through the tools' common {@link Main}, so it parses,
 * reports errors and exits like every other tool (0 ok, 1 failure, 2 usage, 3 connection, 4 timeout).
 */
public final class QomFuseMain {
    private QomFuseMain() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        int code = Main.run(new QomFuseTool(), args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }
}
