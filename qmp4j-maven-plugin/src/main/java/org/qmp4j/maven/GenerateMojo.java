package org.qmp4j.maven;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.qmp4j.codegen.java.JavaGenerator;
import org.qmp4j.codegen.java.Names;
import org.qmp4j.codegen.qapi.QapiException;
import org.qmp4j.codegen.qapi.QapiParser;
import org.qmp4j.codegen.qapi.QapiSchema;

/**
 * {@code qmp4j:generate}: the typed Java API of qmp4j-codegen, generated from the QAPI schema of the user's
 * own QEMU (its {@code qapi/qapi-schema.json}, or {@code qga/qapi-schema.json} for the guest agent) into a
 * source root that the build then compiles. The schema is QEMU's (GPL-2.0-or-later) and stays on the user's
 * machine; qmp4j ships none of it.
 *
 * <p>Incremental: a stamp file next to the output directory records the parameters, the schema files read
 * (the entry file and every file it includes) and the files written. When the parameters are the same and
 * every file written is newer than every schema file, the goal says so and writes nothing.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {
    /** The stamp's first line: a stamp of another format is never up to date. */
    private static final String STAMP_FORMAT = "qmp4j-generate-stamp 1";

    /** QEMU's {@code qapi/qapi-schema.json}, or {@code qga/qapi-schema.json} for the guest agent's API. */
    @Parameter(property = "qmp4j.schema", required = true)
    File schema;

    /** The generated code's Java package, e.g. {@code com.example.qemu}. */
    @Parameter(property = "qmp4j.packageName", required = true)
    String packageName;

    /**
     * {@code QMP} (the facade {@code Qmp} over {@code QmpClient}) or {@code QGA} ({@code Qga} over
     * {@code GuestAgentClient}); by default {@code QGA} for a schema with the command {@code guest-sync}, the
     * guest agent's, else {@code QMP}.
     */
    @Parameter(property = "qmp4j.facade")
    String facade;

    /** The source root to write into; the goal adds it to the project's compile source roots. */
    @Parameter(property = "qmp4j.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/qmp4j",
            required = true)
    File outputDirectory;

    /** Skips the goal: nothing is generated, and no source root added. */
    @Parameter(property = "qmp4j.skip", defaultValue = "false")
    boolean skip;

    /** The project being built. */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    /** For Maven. */
    public GenerateMojo() {
    }

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("qmp4j: generate skipped");
            return;
        }
        if (schema == null || !schema.isFile()) {
            throw new MojoExecutionException("qmp4j: schema " + schema + " is not a file (QEMU's "
                    + "qapi/qapi-schema.json, or qga/qapi-schema.json for the guest agent)");
        }
        if (packageName == null || !Names.isPackageName(packageName)) {
            throw new MojoExecutionException("qmp4j: packageName " + packageName + " is not a Java package name");
        }
        JavaGenerator.Facade chosen = facade();
        Path out = outputDirectory.toPath().toAbsolutePath().normalize();
        Path stampFile = out.resolveSibling(out.getFileName() + ".qmp4j-stamp");
        List<String> header = List.of(STAMP_FORMAT, "generator " + generatorVersion(),
                "schema " + schema.toPath().toAbsolutePath().normalize(), "package " + packageName,
                "facade " + (chosen == null ? "auto" : chosen.name()), "out " + out);
        try {
            Stamp before = Stamp.read(stampFile);
            if (before != null && before.header.equals(header) && before.upToDate(out)) {
                getLog().info("qmp4j: " + out + " is up to date with " + schema);
            } else {
                generate(before, header, chosen, out, stampFile);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new MojoExecutionException("qmp4j: can't write the generated sources: " + e.getMessage(), e);
        }
        project.addCompileSourceRoot(out.toString());
    }

    private void generate(Stamp before, List<String> header, JavaGenerator.Facade chosen, Path out, Path stampFile)
            throws IOException, MojoExecutionException {
        long t0 = System.nanoTime();
        QapiSchema parsed;
        try {
            parsed = QapiParser.parse(schema.toPath());
        } catch (QapiException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        JavaGenerator.Facade used = chosen != null ? chosen : JavaGenerator.Facade.of(parsed);
        Files.deleteIfExists(stampFile);   // an interrupted run leaves no stamp, so the next one regenerates
        if (before != null) {
            for (String old : before.outputs) {   // files of an earlier package or schema would still compile
                Files.deleteIfExists(out.resolve(old));
            }
        }
        List<Path> written = JavaGenerator.generate(parsed, packageName, out, used);
        List<String> lines = new ArrayList<>(header);
        parsed.files().forEach(f -> lines.add("input " + f.toAbsolutePath().normalize()));
        written.forEach(f -> lines.add("output " + out.relativize(f.toAbsolutePath().normalize())));
        Files.write(stampFile, lines);
        getLog().info(String.format("qmp4j: generated %d files in %s (%s facade %s: %d commands, %d events, "
                + "%d types) in %d ms", written.size(), out, packageName, used.className(),
                parsed.commands().size(), parsed.events().size(), parsed.types().size(),
                (System.nanoTime() - t0) / 1_000_000));
    }

    private JavaGenerator.Facade facade() throws MojoExecutionException {
        if (facade == null || facade.isBlank()) {
            return null;
        }
        try {
            return JavaGenerator.Facade.valueOf(facade.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("qmp4j: facade " + facade + " is neither QMP nor QGA");
        }
    }

    /** Another version of the generator may write other code: its output is never up to date. */
    private static String generatorVersion() {
        String v = JavaGenerator.class.getPackage().getImplementationVersion();
        return v != null ? v : "unknown";
    }

    /** What an earlier run generated, from what. */
    private static final class Stamp {
        final List<String> header = new ArrayList<>();
        final List<String> inputs = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();

        static Stamp read(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            Stamp s = new Stamp();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("input ")) {
                    s.inputs.add(line.substring("input ".length()));
                } else if (line.startsWith("output ")) {
                    s.outputs.add(line.substring("output ".length()));
                } else {
                    s.header.add(line);
                }
            }
            return s;
        }

        /** Every output is there and newer than every input, which are all there too. */
        boolean upToDate(Path out) throws IOException {
            if (inputs.isEmpty() || outputs.isEmpty()) {
                return false;
            }
            FileTime newestInput = null;
            for (String in : inputs) {
                Path p = Path.of(in);
                if (!Files.isRegularFile(p)) {
                    return false;
                }
                FileTime t = Files.getLastModifiedTime(p);
                newestInput = newestInput == null || t.compareTo(newestInput) > 0 ? t : newestInput;
            }
            for (String o : outputs) {
                Path p = out.resolve(o);
                if (!Files.isRegularFile(p) || Files.getLastModifiedTime(p).compareTo(newestInput) <= 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
