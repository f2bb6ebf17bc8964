// PropsCheck: reads Java properties files exactly as Kafka and ZooKeeper do
// and compares values with what the test answered.
//
// Usage: java PropsCheck.java EXPECT...
//
// Each EXPECT file is UTF-8, one check per line, fields separated by TAB:
//     FILE <TAB> KEY <TAB> EXPECTED
// EXPECTED is the rest of the line (answers cannot hold control characters,
// so a TAB or line break never occurs inside it).  The expectations travel in
// a UTF-8 file rather than argv so that no launcher or locale can alter them.
//
// How the file is read, and why:
//  - Properties.load(InputStream): ISO-8859-1 plus backslash-u escapes.  Kafka's
//    Utils.loadProps and ZooKeeper's QuorumPeerConfig.parse both hand a
//    FileInputStream to Properties.load, never a Reader.
//  - The value is then trimmed: Kafka's ConfigDef.parseType trims STRING and
//    PASSWORD values, ZooKeeper's parseProperties trims every value.
//
// Exit status: 0 every value matched; 1 at least one mismatch or a missing
// key; 2 usage error or an unreadable file.

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

public class PropsCheck {

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: java PropsCheck.java EXPECT...");
            System.exit(2);
        }
        Map<String, Properties> loaded = new HashMap<>();
        int checked = 0;
        int failed = 0;
        try {
            for (String expectFile : args) {
                List<String> lines = Files.readAllLines(Paths.get(expectFile), StandardCharsets.UTF_8);
                for (String line : lines) {
                    if (line.isEmpty())
                        continue;
                    String[] f = line.split("\t", 3);
                    if (f.length != 3) {
                        System.err.println(expectFile + ": malformed line: " + quote(line));
                        System.exit(2);
                    }
                    String file = f[0];
                    String key = f[1];
                    String expected = f[2];
                    Properties p = loaded.get(file);
                    if (p == null) {
                        p = load(Paths.get(file));
                        loaded.put(file, p);
                    }
                    String raw = p.getProperty(key);
                    checked++;
                    if (raw == null) {
                        failed++;
                        System.out.println("MISSING  " + file + " " + key + " (expected " + quote(expected) + ")");
                        continue;
                    }
                    String value = raw.trim();
                    if (value.equals(expected)) {
                        System.out.println("ok       " + file + " " + key + " = " + quote(value));
                    } else {
                        failed++;
                        System.out.println("MISMATCH " + file + " " + key);
                        System.out.println("         expected " + quote(expected));
                        System.out.println("         read     " + quote(value));
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("PropsCheck: " + e);
            System.exit(2);
        }
        System.out.println("PropsCheck: " + checked + " checked, " + failed + " failed");
        System.exit(failed == 0 && checked > 0 ? 0 : 1);
    }

    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    // Printable ASCII as is (quote and backslash escaped), everything else
    // as backslash-u per UTF-16 unit: unambiguous in any terminal and any log.
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\')
                b.append('\\').append(c);
            else if (c >= 0x20 && c < 0x7f)
                b.append(c);
            else
                b.append(String.format("\\u%04x", (int) c));
        }
        return b.append('"').toString();
    }
}
