// JaasCheck: parses sasl.jaas.config values exactly as Kafka 2.3.0 does and
// compares the login module, its flag and its options with what the test
// answered.
//
// Usage: java JaasCheck.java EXPECT...
//
// Each EXPECT file is UTF-8, one check per line, fields separated by TAB:
//     FILE <TAB> PROPERTY <TAB> OPTION <TAB> EXPECTED
// PROPERTY names the properties key holding the JAAS text (for example
// sasl.jaas.config).  OPTION is an option name (username, user_consumer, ...)
// or one of the pseudo options
//     @module   the login module class
//     @flag     the control flag, upper case (REQUIRED, ...)
//     @options  every option name of the entry, sorted, joined by ","
// so a value that splits into extra options is caught too.
//
// The path of a value, and why:
//  1. Properties.load(InputStream) (ISO-8859-1 + backslash-u escapes), as Kafka's
//     Utils.loadProps reads server.properties and the tools read --*.config;
//  2. trim(), as ConfigDef.parseType does for the PASSWORD type;
//  3. Kafka's own grammar, NOT javax.security.auth.login.ConfigFile: the
//     latter expands ${...} and would prove nothing about Kafka.  The
//     tokenizer below is configured call for call as in Kafka 2.3.0's
//     org.apache.kafka.common.security.JaasConfig (apache/kafka,
//     clients/src/main/java/org/apache/kafka/common/security/JaasConfig.java),
//     and parse() makes the same decisions as its constructor and
//     parseAppConfigurationEntry; JaasContext.load adds the rule that
//     sasl.jaas.config holds exactly one login module.
//
// Exit status: 0 every value matched; 1 a mismatch, a missing property or a
// value Kafka would refuse to parse; 2 usage error or an unreadable file.

import java.io.IOException;
import java.io.InputStream;
import java.io.StreamTokenizer;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

public class JaasCheck {

    // One login module entry: what Kafka keeps in an AppConfigurationEntry.
    static final class Entry {
        final String loginModule;
        final String flag;
        final Map<String, String> options;

        Entry(String loginModule, String flag, Map<String, String> options) {
            this.loginModule = loginModule;
            this.flag = flag;
            this.options = options;
        }
    }

    // The tokenizer Kafka 2.3.0's JaasConfig constructor builds: which
    // characters are word, whitespace, quote, comment and ordinary characters
    // is what decides how a value must be escaped, so it is set up call for
    // call as there.  Note what follows from it: a bare word stops at a space,
    // '=', ';', '"' or '\'', and "/" starts a comment (so do "//" and "/*");
    // inside quotes StreamTokenizer turns a backslash plus character into
    // that character (\n, \t, ... and octal into control characters) and a
    // line break ends the string.
    static StreamTokenizer kafkaTokenizer(String text) {
        StreamTokenizer t = new StreamTokenizer(new StringReader(text));
        t.resetSyntax();
        t.wordChars(32, 128);
        t.wordChars(128 + 32, 255);
        t.ordinaryChar(';');
        t.ordinaryChar('=');
        t.whitespaceChars(0, ' ');
        t.commentChar('/');
        t.quoteChar('"');
        t.quoteChar('\'');
        t.slashSlashComments(true);
        t.slashStarComments(true);
        return t;
    }

    // The grammar JaasConfig accepts, with the same decisions at each token:
    //     ( MODULE FLAG ( KEY '=' VALUE )* ';' )+
    // MODULE, FLAG, KEY and VALUE are word or quoted tokens; the flag is
    // matched case-insensitively; a later KEY replaces an earlier one (a
    // HashMap); anything else is refused with an IllegalArgumentException,
    // as Kafka refuses it (and as AppConfigurationEntry refuses an empty
    // module name).
    static List<Entry> parse(String text) throws IOException {
        StreamTokenizer t = kafkaTokenizer(text);
        List<Entry> entries = new ArrayList<>();
        while (t.nextToken() != StreamTokenizer.TT_EOF) {
            String module = t.sval;
            if (t.nextToken() == StreamTokenizer.TT_EOF)
                throw new IllegalArgumentException("Login module control flag not specified in JAAS config");
            String flag = controlFlag(t.sval);
            Map<String, String> options = new HashMap<>();
            while (t.nextToken() != StreamTokenizer.TT_EOF && t.ttype != ';') {
                String key = t.sval;
                boolean haveValue = t.nextToken() == '='
                        && t.nextToken() != StreamTokenizer.TT_EOF && t.sval != null;
                if (!haveValue)
                    throw new IllegalArgumentException("Value not specified for key '" + key + "' in JAAS config");
                options.put(key, t.sval);
            }
            if (t.ttype != ';')
                throw new IllegalArgumentException("JAAS config entry not terminated by semi-colon");
            if (module == null || module.isEmpty())
                throw new IllegalArgumentException("Invalid null or empty login module name");
            entries.add(new Entry(module, flag, options));
        }
        if (entries.isEmpty())
            throw new IllegalArgumentException("Login module not specified in JAAS config");
        return entries;
    }

    static String controlFlag(String flag) {
        if (flag == null)
            throw new IllegalArgumentException("Login module control flag is not available in the JAAS config");
        String upper = flag.toUpperCase(Locale.ROOT);
        switch (upper) {
            case "REQUIRED":
            case "REQUISITE":
            case "SUFFICIENT":
            case "OPTIONAL":
                return upper;
            default:
                throw new IllegalArgumentException("Invalid login module control flag '" + flag + "' in JAAS config");
        }
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: java JaasCheck.java EXPECT...");
            System.exit(2);
        }
        Map<String, Properties> loaded = new HashMap<>();
        int checked = 0;
        int failed = 0;
        try {
            for (String expectFile : args) {
                for (String line : Files.readAllLines(Paths.get(expectFile), StandardCharsets.UTF_8)) {
                    if (line.isEmpty())
                        continue;
                    String[] f = line.split("\t", 4);
                    if (f.length != 4) {
                        System.err.println(expectFile + ": malformed line: " + quote(line));
                        System.exit(2);
                    }
                    String file = f[0];
                    String property = f[1];
                    String option = f[2];
                    String expected = f[3];
                    String where = file + " " + property + " " + option;
                    checked++;

                    Properties p = loaded.get(file);
                    if (p == null) {
                        p = new Properties();
                        try (InputStream in = Files.newInputStream(Paths.get(file))) {
                            p.load(in);
                        }
                        loaded.put(file, p);
                    }
                    String text = p.getProperty(property);
                    if (text == null) {
                        failed++;
                        System.out.println("MISSING  " + file + " " + property);
                        continue;
                    }
                    text = text.trim();

                    List<Entry> entries;
                    try {
                        entries = parse(text);
                    } catch (IllegalArgumentException e) {
                        failed++;
                        System.out.println("MISMATCH " + where + ": Kafka refuses it: " + e.getMessage());
                        System.out.println("         JAAS text " + quote(text));
                        continue;
                    }
                    // JaasContext.load: "JAAS config property contains N login
                    // modules, should be 1 module".
                    if (entries.size() != 1) {
                        failed++;
                        System.out.println("MISMATCH " + where + ": " + entries.size()
                                + " login modules, Kafka requires exactly 1");
                        System.out.println("         JAAS text " + quote(text));
                        continue;
                    }
                    Entry e = entries.get(0);
                    String actual;
                    switch (option) {
                        case "@module":
                            actual = e.loginModule;
                            break;
                        case "@flag":
                            actual = e.flag;
                            break;
                        case "@options":
                            actual = String.join(",", new TreeSet<>(e.options.keySet()));
                            break;
                        default:
                            actual = e.options.get(option);
                    }
                    if (actual == null) {
                        failed++;
                        System.out.println("MISSING  " + where + " (options read: "
                                + new TreeSet<>(e.options.keySet()) + ")");
                    } else if (actual.equals(expected)) {
                        System.out.println("ok       " + where + " = " + quote(actual));
                    } else {
                        failed++;
                        System.out.println("MISMATCH " + where);
                        System.out.println("         expected " + quote(expected));
                        System.out.println("         read     " + quote(actual));
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("JaasCheck: " + e);
            System.exit(2);
        }
        System.out.println("JaasCheck: " + checked + " checked, " + failed + " failed");
        System.exit(failed == 0 && checked > 0 ? 0 : 1);
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
