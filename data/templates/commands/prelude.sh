#@ head
#!/usr/bin/env bash
# commands.sh: the recipe "Encrypt communication between Kafka and ZooKeeper
# with TLS" as plain shell commands, for the answers zktls-wizard had when it
# wrote this file (Kafka {{kafka.version|raw}}, ZooKeeper {{zookeeper.version|raw}}).  It needs only
# bash, curl, tar, sha512sum, openssl and keytool, and writes the same files
# the wizard writes (the configuration files byte for byte).
#
# Usage: ./commands.sh [DIR]     (DIR: the working directory, default: here)
#        ZKTLS_START=yes ./commands.sh [DIR]   also starts ZooKeeper and the brokers
#
# Every command runs in DIR (the article: "all commands must be executed in
# the same directory").  Running it again makes new keys and certificates.
# Passwords come from the environment variables named below or, on a
# terminal, are asked for.  They never appear on a command line: openssl
# reads them with -passin/-passout env:VAR, keytool with -storepass:env VAR,
# and Java gets them from argument files (KAFKA_OPTS=@FILE).
set -euo pipefail
umask 077

zk_dir=${1:-.}
mkdir -p -- "$zk_dir"
chmod 700 -- "$zk_dir"
cd -- "$zk_dir"
# Kafka's and ZooKeeper's scripts do not quote paths.
case $PWD in
  *[!A-Za-z0-9._/-]*)
    echo "commands.sh: $PWD: use a directory whose path has only A-Z a-z 0-9 . _ / -" >&2
    exit 1 ;;
esac
ZK_DIR=$PWD

# zk_secret VAR ANSWER: VAR from the environment, else asked for (twice) on
# the terminal; exported, so that openssl and keytool can read it.
zk_secret() {
  local again
  if [ -z "${!1:-}" ]; then
    if [ ! -t 0 ]; then
      echo "commands.sh: set $1 to the $2 answer" >&2
      exit 1
    fi
    read -rsp "$2 ($1): " "${1?}"
    echo >&2
    read -rsp "$2 again: " again
    echo >&2
    [ "${!1}" = "$again" ] || { echo "commands.sh: $1: the two differ" >&2; exit 1; }
  fi
  case ${!1} in
    *[[:cntrl:]]* | [[:space:]]* | *[[:space:]])
      echo "commands.sh: $1: no control characters, no blanks at either end" >&2
      exit 1 ;;
  esac
  export "${1?}"
}

# zk_prop VALUE: VALUE as a Java .properties file holds it, what
# Properties.load() reads back as VALUE: \ doubled, characters outside
# ASCII as \uXXXX (the file is read as ISO-8859-1).
zk_prop() {
  printf '%s' "$1" | LC_ALL=C od -An -v -tu1 | LC_ALL=C awk '
    { for (i = 1; i <= NF; i++) b[n++] = $i }
    END {
      lead = 1
      for (i = 0; i < n; i += len) {
        c = b[i]; len = 1
        if (c < 128) cp = c
        else if (c >= 192 && c < 224 && i + 1 < n) { cp = (c - 192) * 64 + b[i + 1] % 64; len = 2 }
        else if (c >= 224 && c < 240 && i + 2 < n) { cp = ((c - 224) * 64 + b[i + 1] % 64) * 64 + b[i + 2] % 64; len = 3 }
        else if (c >= 240 && c < 248 && i + 3 < n) { cp = (((c - 240) * 64 + b[i + 1] % 64) * 64 + b[i + 2] % 64) * 64 + b[i + 3] % 64; len = 4 }
        else cp = 65533
        blank = cp == 32 || cp == 9 || cp == 12
        if (cp == 92) printf "\\\\"
        else if (lead && blank) { printf "\\%c", cp; lead = 0; continue }
        else if (cp > 65535) { v = cp - 65536; printf "\\u%04X\\u%04X", 55296 + int(v / 1024), 56320 + v % 1024 }
        else if (cp < 32 || cp >= 127) printf "\\u%04X", cp
        else printf "%c", cp
        lead = lead && blank
      }
    }'
}

# zk_quote VALUE: VALUE in double quotes with \ and " escaped, as a JAAS
# configuration (sasl.jaas.config) and a Java argument file read it.
zk_quote() {
  local v=${1//\\/\\\\}
  v=${v//\"/\\\"}
  printf '"%s"' "$v"
}

# zk_sh VALUE: VALUE in single quotes for the shell.
zk_sh() {
  printf "'%s'" "${1//\'/\'\\\'\'}"
}
#@ secrets
# The passwords (the answers they stand for after the variable's name):
#@ secret
zk_secret {{var|raw}} {{key|raw}}
#@ embed_head
# The passwords, embedded on request (--commands-embed-secrets): keep this
# file as private as the keystores.
#@ embed
# shellcheck disable=SC2016 # the password is literal text
export {{var|raw}}={{value|sh}}
