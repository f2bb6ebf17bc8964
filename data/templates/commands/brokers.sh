#@ head

# --- brokers: each broker's configuration, and the ZooKeeper-TLS options of
# its JVM in an argument file (NAME.zk-tls.args): passed as KAFKA_OPTS=@FILE,
# the passwords in it stay off the process list.
{{escapes|raw}}{{files|raw}}# Start the brokers (each logs to NAME.log; it is up when the log says
# "started").  Java reads argument files in the locale's charset: UTF-8.
if [ "${ZKTLS_START:-no}" = yes ]; then
{{#each brokers as b}}
  LC_ALL=C.UTF-8 KAFKA_OPTS=@"$PWD"/{{b|raw}}.zk-tls.args \
    {{kafka_top|raw}}/bin/kafka-server-start.sh {{b|raw}}.properties > {{b|raw}}.log 2>&1 &
  echo $! > {{b|raw}}.pid
{{/each}}
fi
