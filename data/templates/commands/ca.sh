#@ head

# --- ca: the private certificate authority.  ca-key is its private key,
# encrypted with the ca.password answer; ca-cert its self-signed certificate.
{{#if import}}
# ca.mode=import: ca-key and ca-cert are already here.
{{/if}}
{{#if !import}}
# (The article lets openssl req make the key: OpenSSL 3 would encrypt it with
# 3DES; genpkey is told AES-256.)
openssl genpkey {{genpkey|raw}} -aes-256-cbc -pass env:{{ca_var|raw}} -out ca-key
openssl req -new -x509 -days {{ca.days|raw}} -key ca-key -passin env:{{ca_var|raw}} \
  -out ca-cert -subj {{ca.subject|sh}} \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
chmod 644 ca-cert
{{/if}}
# The truststore: the CA certificate, with which every node checks the others.
rm -f {{truststore|raw}}
{{#if store.is_pem}}
cp ca-cert {{truststore|raw}}
{{/if}}
{{#if !store.is_pem}}
keytool -keystore {{truststore|raw}} -storetype {{store.java_type|raw}} -storepass:env {{store_var|raw}} \
  -import -alias ca-root -file ca-cert -noprompt
{{/if}}
