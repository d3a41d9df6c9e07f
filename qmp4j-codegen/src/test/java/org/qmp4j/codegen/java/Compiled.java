package org.qmp4j.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Generated sources written, compiled with the JDK's compiler against this test's class path, and loadable. */
final class Compiled {
    final Path sources;
    final Path classes;
    final int files;
    final long compileMillis;

    private Compiled(Path sources, Path classes, int files, long compileMillis) {
        this.sources = sources;
        this.classes = classes;
        this.files = files;
        this.compileMillis = compileMillis;
    }

    /** Writes and compiles; fails the test with the first errors if javac reports any. */
    static Compiled compile(Map<String, String> generated, Path dir) {
        try {
            Path src = Files.createDirectories(dir.resolve("src"));
            Path out = Files.createDirectories(dir.resolve("classes"));
            List<File> files = new ArrayList<>();
            for (Map.Entry<String, String> e : generated.entrySet()) {
                Path f = src.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue());
                files.add(f.toFile());
            }
            // Surefire puts the core and Jackson on the module path or the class path: either serves javac.
            String cp = System.getProperty("java.class.path", "") + File.pathSeparator
                    + System.getProperty("jdk.module.path", "");
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            long t0 = System.nanoTime();
            try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
                javac.getTask(null, fm, diagnostics, List.of("--release", "17", "-proc:none", "-nowarn",
                        "-encoding", "UTF-8", "-classpath", cp, "-d", out.toString()), null,
                        fm.getJavaFileObjectsFromFiles(files)).call();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            List<String> errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> (d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":"
                            + d.getLineNumber() + ": ") + d.getMessage(null))
                    .collect(Collectors.toList());
            assertEquals(List.of(), errors.subList(0, Math.min(errors.size(), 30)),
                    errors.size() + " compile errors");
            return new Compiled(src, out, files.size(), ms);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loader of the compiled classes whose parent has the core and Jackson. */
    URLClassLoader loader() {
        try {
            return new URLClassLoader(new URL[] {classes.toUri().toURL()}, Compiled.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
