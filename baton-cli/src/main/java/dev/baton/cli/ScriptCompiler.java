package dev.baton.cli;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;

import javax.lang.model.element.NestingKind;
import javax.tools.ForwardingJavaFileObject;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Compiles a flow script for {@code ./baton run} into a jar and names the class to run, the one
 * {@code java FILE.java} would run: the first top-level class declared in the file, with its package
 * (in a compact source file without a class declaration, the class named after the file), and a public
 * class need not be named after the file.
 *
 * <p>Called by the launcher script: {@code ScriptCompiler JAR CLASS_PATH FILE} compiles FILE against
 * CLASS_PATH, writes its classes to JAR (in place only once complete, so a concurrent run never sees half
 * of one) and prints the main class's binary name on stdout. On a compile error javac's messages go to
 * stderr and the exit code is 1. A jar rather than a directory: the JVM's class-data sharing archives
 * classes from jars only, and the workers of a distributed executor load the script's classes from it.
 */
public final class ScriptCompiler {
    private ScriptCompiler() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ScriptCompiler JAR CLASS_PATH FILE.java");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        String mainClass = compile(jar, args[1], Path.of(args[2]));
        if (mainClass == null) System.exit(1);
        System.out.println(mainClass);
    }

    /** Compiles {@code file} into {@code jar}; the main class's binary name, or null after a compile error. */
    static String compile(Path jar, String classPath, Path file) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            System.err.println("baton: this Java (" + System.getProperty("java.home") + ") has no compiler; run Baton"
                    + " with a JDK, not a JRE (set JAVA_HOME to one)");
            return null;
        }
        Path classes = Files.createTempDirectory(jar.getParent(), ".classes-");
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-proc:none", "-nowarn", "-encoding", "UTF-8",
                    "-d", classes.toString(), "-cp", expandWildcards(classPath));
            // any file name, as with `java FILE.java`: javac alone wants a public class in a file of its name
            List<JavaFileObject> sources = new ArrayList<>();
            for (JavaFileObject source : files.getJavaFileObjects(file)) {
                sources.add(new ForwardingJavaFileObject<>(source) {
                    @Override
                    public boolean isNameCompatible(String simpleName, JavaFileObject.Kind kind) {
                        // not package-info or module-info, though: javac would take the script for one
                        return kind == JavaFileObject.Kind.SOURCE && !simpleName.contains("-")
                                || super.isNameCompatible(simpleName, kind);
                    }
                });
            }
            JavacTask task = (JavacTask) javac.getTask(null, files, null, options, null, sources);
            String[] first = new String[1];
            // what the JDK's source launcher does: the first top-level type the compiler analyzes
            task.addTaskListener(new TaskListener() {
                @Override
                public void started(TaskEvent e) {
                    if (e.getKind() == TaskEvent.Kind.ANALYZE && first[0] == null && e.getTypeElement() != null
                            && e.getTypeElement().getNestingKind() == NestingKind.TOP_LEVEL) {
                        first[0] = task.getElements().getBinaryName(e.getTypeElement()).toString();
                    }
                }
            });
            if (!task.call()) return null;
            if (first[0] == null) {
                System.err.println("baton: " + file + " declares no class to run");
                return null;
            }
            writeJar(classes, jar);
            return first[0];
        } finally {
            deleteTree(classes);
        }
    }

    /** {@code DIR/*} entries as the java launcher reads them (the jars in DIR): the compiler API takes no wildcards. */
    static String expandWildcards(String classPath) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.equals("*") || entry.endsWith(File.separator + "*")) {
                Path dir = Path.of(entry.substring(0, entry.length() - 1));
                if (!Files.isDirectory(dir)) continue;
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                            .sorted().forEach(p -> entries.add(p.toString()));
                }
            } else if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void writeJar(Path classes, Path jar) throws IOException {
        Path partial = Files.createTempFile(jar.getParent(), ".jar-", ".partial");
        try (OutputStream out = Files.newOutputStream(partial); JarOutputStream jarOut = new JarOutputStream(out);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, jarOut);
                jarOut.closeEntry();
            }
        }
        Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
