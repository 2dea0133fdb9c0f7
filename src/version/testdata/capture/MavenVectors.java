// Maven's own ComparableVersion and VersionRange on the candidates (run: java -cp maven-artifact.jar MavenVectors.java).
import java.io.*;
import java.nio.file.*;
import java.util.*;
import org.apache.maven.artifact.versioning.*;

public class MavenVectors {
    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args[0]);
        List<String> pairs = Files.readAllLines(Paths.get(args[1]));
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("maven-compare.tsv")))) {
            for (String line : pairs) {
                String[] p = line.split("\t", -1);
                int r = Integer.signum(new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1])));
                w.println(p[0] + "\t" + p[1] + "\t" + r);
            }
        }
        List<String> ranges = Files.readAllLines(Paths.get(args[2]));
        List<String> versions = List.of(args[3].split(" "));
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("maven-satisfies.tsv")))) {
            for (String r : ranges) {
                VersionRange range = null;
                try { range = VersionRange.createFromVersionSpec(r); } catch (InvalidVersionSpecificationException e) { }
                for (String v : versions) {
                    String verdict = range == null ? "invalid-range" : (range.containsVersion(new DefaultArtifactVersion(v)) ? "1" : "0");
                    w.println(v + "\t" + r + "\t" + verdict);
                }
            }
        }
    }
}
