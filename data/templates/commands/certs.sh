#@ head

# --- certs: for each node a key pair, a certificate for it signed by the CA
# (with the node's names as subjectAltName, so that hostname checks pass),
# and a keystore holding the key, that certificate and the CA's.
#@ node
# {{name|raw}}
{{#if !store.is_pem}}
rm -f {{keystore|raw}}
keytool -keystore {{keystore|raw}} -storetype {{store.java_type|raw}} -storepass:env {{store_var|raw}} \
  -alias {{name|raw}} -validity {{cert.days|raw}} -genkey {{keyalg|raw}} -keypass:env {{store_var|raw}} \
  -dname {{dn|sh}}
keytool -keystore {{keystore|raw}} -storepass:env {{store_var|raw}} -alias {{name|raw}} \
  -certreq -file cert-file
{{/if}}
{{#if store.is_pem}}
# PEM: keytool makes the key (so that Java reads the name back exactly),
# openssl turns it into the PKCS#8 file ZooKeeper's PEM reader accepts.
rm -f {{name|raw}}-key.p12
keytool -keystore {{name|raw}}-key.p12 -storetype PKCS12 -storepass:env {{store_var|raw}} \
  -alias {{name|raw}} -validity {{cert.days|raw}} -genkey {{keyalg|raw}} -dname {{dn|sh}}
keytool -keystore {{name|raw}}-key.p12 -storepass:env {{store_var|raw}} -alias {{name|raw}} \
  -certreq -file cert-file
{{/if}}
openssl x509 -req -CA ca-cert -CAkey ca-key -in cert-file -out {{name|raw}}.pem -days {{cert.days|raw}} \
  -CAcreateserial -passin env:{{ca_var|raw}} -extensions SAN \
  -extfile <(printf '\n[SAN]\nsubjectAltName=%s\n' {{san|sh}})
chmod 644 {{name|raw}}.pem
{{#if !store.is_pem}}
keytool -keystore {{keystore|raw}} -storepass:env {{store_var|raw}} \
  -import -alias ca-root -file ca-cert -noprompt
keytool -keystore {{keystore|raw}} -storepass:env {{store_var|raw}} -keypass:env {{store_var|raw}} \
  -import -alias {{name|raw}} -file {{name|raw}}.pem
{{/if}}
{{#if store.is_pem}}
openssl pkcs12 -in {{name|raw}}-key.p12 -passin env:{{store_var|raw}} -nocerts -nodes |
  openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -passout env:{{store_var|raw}} -out {{keystore|raw}}
cat {{name|raw}}.pem ca-cert >> {{keystore|raw}}
rm -f {{name|raw}}-key.p12
{{/if}}
#@ tail
rm -f cert-file
