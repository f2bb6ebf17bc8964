// ArgsCheck: run behind a Java argument file by the real launcher,
//     LC_ALL=C.UTF-8 java @NAME.zk-tls.args -cp DIR ArgsCheck EXPECT
// (or java @NAME.zk-tls.args ArgsCheck.java EXPECT), and compare the system
// properties the launcher set from that file with what the test answered.
//
// EXPECT is UTF-8, one line per property, fields separated by TAB:
//     NAME <TAB> EXPECTED
// The expectations travel in a file, not in argv, so that they do not pass
// through the same launcher decoding that is under test.
//
// Every system property whose name starts with "zookeeper." must be listed:
// a value that the launcher split at a space or cut at a '#' would otherwise
// slip through as a stray extra option.  argv after the class must be exactly
// EXPECT for the same reason.
//
// Exit status: 0 every property matched; 1 a mismatch, a missing or an
// unexpected property; 2 usage error or an unreadable file.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

public class ArgsCheck {

    public static void main(String[] args) {
        if (args.length != 1) {
            System.out.println("MISMATCH argv: expected only EXPECT after the class, got " + args.length
                    + " arguments");
            for (String a : args)
                System.out.println("         " + quote(a));
            System.exit(args.length == 0 ? 2 : 1);
        }
        Map<String, String> expected = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
                if (line.isEmpty())
                    continue;
                String[] f = line.split("\t", 2);
                if (f.length != 2) {
                    System.err.println(args[0] + ": malformed line: " + quote(line));
                    System.exit(2);
                }
                expected.put(f[0], f[1]);
            }
        } catch (IOException e) {
            System.err.println("ArgsCheck: " + e);
            System.exit(2);
        }

        int failed = 0;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String actual = System.getProperty(e.getKey());
            if (actual == null) {
                failed++;
                System.out.println("MISSING  -D" + e.getKey() + " (expected " + quote(e.getValue()) + ")");
            } else if (actual.equals(e.getValue())) {
                System.out.println("ok       -D" + e.getKey() + " = " + quote(actual));
            } else {
                failed++;
                System.out.println("MISMATCH -D" + e.getKey());
                System.out.println("         expected " + quote(e.getValue()));
                System.out.println("         read     " + quote(actual));
            }
        }
        TreeSet<String> extra = new TreeSet<>();
        for (String name : System.getProperties().stringPropertyNames())
            if (name.startsWith("zookeeper.") && !expected.containsKey(name))
                extra.add(name);
        for (String name : extra) {
            failed++;
            System.out.println("UNEXPECTED -D" + name + " = " + quote(System.getProperty(name)));
        }
        if (failed > 0) {
            // The launcher decodes argument files in this charset: under
            // LC_ALL=C non-ASCII letters arrive as '?', which is a test set-up
            // problem rather than an escaping one.
            System.out.println("         (launcher charset sun.jnu.encoding="
                    + System.getProperty("sun.jnu.encoding") + ")");
        }
        System.out.println("ArgsCheck: " + expected.size() + " checked, " + failed + " failed");
        System.exit(failed == 0 && !expected.isEmpty() ? 0 : 1);
    }

    // Printable ASCII as is, everything else as backslash-u: unambiguous in any log.
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
