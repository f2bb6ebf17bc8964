// Reads keystores the way ZooKeeper and Kafka do and prints what Java sees,
// one line per entry, so a shell test can compare it with what it asked for.
//
//   java KeystoreCheck.java TYPE:FILE...
//
// TYPE is JKS, PKCS12 or PEM.  The password comes from the environment
// variable KS_PASSWORD, never from argv.  JKS and PKCS12 go through
// KeyStore.getInstance(TYPE).load() and getKey(alias, password) with the store
// password as key password (ZooKeeper's kmf.init(ks, password)).  PEM goes
// through the steps of ZooKeeper's PemReader: EncryptedPrivateKeyInfo,
// SecretKeyFactory/Cipher named by its algorithm, then a KeyFactory.
//
// Output, per file:
//   file=NAME type=T entries=N
//   entry alias=A kind=key|trusted subject=DN chain=K san=DNS:x,IP:y keymatch=yes|no
// A failure prints "error=..." and exits 1.

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

public class KeystoreCheck {
    public static void main(String[] args) throws Exception {
        String pw = System.getenv("KS_PASSWORD");
        if (pw == null) {
            System.out.println("error=KS_PASSWORD is not set");
            System.exit(1);
        }
        char[] password = pw.toCharArray();
        int rc = 0;
        for (String arg : args) {
            int colon = arg.indexOf(':');
            String type = arg.substring(0, colon);
            String file = arg.substring(colon + 1);
            try {
                if (type.equals("PEM")) {
                    checkPem(file, password);
                } else {
                    checkKeyStore(type, file, password);
                }
            } catch (Exception e) {
                System.out.println("file=" + file + " error=" + e);
                rc = 1;
            }
        }
        System.exit(rc);
    }

    static void checkKeyStore(String type, String file, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (var in = Files.newInputStream(Path.of(file))) {
            ks.load(in, password);
        }
        List<String> aliases = Collections.list(ks.aliases());
        Collections.sort(aliases);
        System.out.println("file=" + file + " type=" + ks.getType() + " entries=" + aliases.size());
        for (String alias : aliases) {
            if (ks.isKeyEntry(alias)) {
                Key key = ks.getKey(alias, password);
                Certificate[] chain = ks.getCertificateChain(alias);
                printEntry(alias, "key", (X509Certificate) chain[0], chain.length,
                           matches((PrivateKey) key, (X509Certificate) chain[0]));
            } else {
                printEntry(alias, "trusted", (X509Certificate) ks.getCertificate(alias), 1, "n/a");
            }
        }
    }

    static final Pattern BLOCK = Pattern.compile(
        "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    static void checkPem(String file, char[] password) throws Exception {
        String text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        PrivateKey key = null;
        List<X509Certificate> certs = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (m.group(1).equals("ENCRYPTED PRIVATE KEY")) {
                key = decrypt(der, password);
            } else if (m.group(1).equals("CERTIFICATE")) {
                certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
            } else {
                throw new IllegalArgumentException("unexpected PEM block " + m.group(1));
            }
        }
        System.out.println("file=" + file + " type=PEM entries=" + (key != null ? 1 : certs.size()));
        if (key != null) {
            printEntry("key", "key", certs.get(0), certs.size(), matches(key, certs.get(0)));
        } else {
            for (X509Certificate c : certs) {
                printEntry(c.getSubjectX500Principal().getName(), "trusted", c, 1, "n/a");
            }
        }
    }

    // ZooKeeper 3.5.5's PemReader.loadPrivateKey, for an encrypted key.
    static PrivateKey decrypt(byte[] der, char[] password) throws Exception {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        SecretKeyFactory skf = SecretKeyFactory.getInstance(info.getAlgName());
        SecretKey secret = skf.generateSecret(new PBEKeySpec(password));
        Cipher cipher = Cipher.getInstance(info.getAlgName());
        cipher.init(Cipher.DECRYPT_MODE, secret, info.getAlgParameters());
        PKCS8EncodedKeySpec spec = info.getKeySpec(cipher);
        for (String alg : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (Exception e) {
                // the next algorithm, as PemReader does
            }
        }
        throw new IllegalArgumentException("the key is neither RSA nor EC");
    }

    static String matches(PrivateKey key, X509Certificate cert) throws Exception {
        String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] data = "proof".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(data);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(cert.getPublicKey());
        v.update(data);
        return v.verify(sig) ? "yes" : "no";
    }

    static void printEntry(String alias, String kind, X509Certificate cert, int chain,
                           String keymatch) throws Exception {
        StringBuilder san = new StringBuilder();
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        if (names != null) {
            for (List<?> n : names) {
                int tag = (Integer) n.get(0);
                if (san.length() > 0) {
                    san.append(',');
                }
                san.append(tag == 2 ? "DNS:" : tag == 7 ? "IP:" : tag + ":").append(n.get(1));
            }
        }
        System.out.println("entry alias=" + alias + " kind=" + kind + " chain=" + chain
                           + " keymatch=" + keymatch + " san=" + san
                           + " subject=" + cert.getSubjectX500Principal().getName());
    }
}
