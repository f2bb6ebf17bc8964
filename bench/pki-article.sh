#!/bin/bash
# The article's own CA and keystore commands, verbatim except for what JDK 17
# needs: -keyalg RSA (keytool no longer defaults to DSA) and -storetype JKS
# (so the files are JKS, as the wizard writes them, not PKCS#12).
#   pki-article.sh DIR       (DIR must not exist)
set -eu
mkdir -p "$1"
cd "$1"
openssl req -new -x509 -days 365 -keyout ca-key -out ca-cert -subj "/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA" -passout pass:superconfidential 2>/dev/null
keytool -keystore truststore.jks -storetype JKS -storepass confidential -import -alias ca-root -file ca-cert -noprompt 2>/dev/null
for NAME in zookeeper kafka-1 kafka-2 client; do
  keytool -keystore $NAME.jks -storetype JKS -storepass confidential -alias $NAME -validity 365 -genkey -keyalg RSA -keypass confidential -dname "CN=$NAME,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE" 2>/dev/null
  keytool -keystore $NAME.jks -storetype JKS -storepass confidential -alias $NAME -certreq -file cert-file 2>/dev/null
  openssl x509 -req -CA ca-cert -CAkey ca-key -in cert-file -out $NAME.pem -days 365 -CAcreateserial -passin pass:superconfidential -extensions SAN -extfile <(printf "\n[SAN]\nsubjectAltName=DNS:$NAME,DNS:localhost") 2>/dev/null
  keytool -keystore $NAME.jks -storetype JKS -storepass confidential -import -alias ca-root -file ca-cert -noprompt 2>/dev/null
  keytool -keystore $NAME.jks -storetype JKS -storepass confidential -import -alias $NAME -file $NAME.pem 2>/dev/null
done
