#@ head

# --- zookeeper: java.env switches ZooKeeper to the Netty connection factory,
# without which it cannot speak TLS; zoo.cfg opens only a TLS port and knows
# clients by their certificates.
{{escapes|raw}}{{files|raw}}# ZooKeeper's own logging settings, as the article copies them:
if [ -f {{zookeeper_top|raw}}/conf/log4j.properties ]; then
  cp -v {{zookeeper_top|raw}}/conf/log4j.properties .
else
{{log4j|raw}}fi
chmod 644 log4j.properties
# Start ZooKeeper: --config . makes it read java.env and zoo.cfg here.
if [ "${ZKTLS_START:-no}" = yes ]; then
  {{zookeeper_top|raw}}/bin/zkServer.sh --config . start
fi
