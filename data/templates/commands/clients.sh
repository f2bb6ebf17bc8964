#@ head

# --- clients: the console clients' settings (SASL_SSL with PLAIN), the
# ZooKeeper-TLS options for Kafka's command-line tools, and cluster.sh, which
# starts, checks and stops everything (./cluster.sh start|status|stop|cleanup).
{{escapes|raw}}{{files|raw}}# Kafka's tools that talk to ZooKeeper take the client's options the same way:
#   export KAFKA_OPTS=@"$PWD"/{{client|raw}}.zk-tls.args
#   {{kafka_top|raw}}/bin/kafka-topics.sh --zookeeper {{zookeeper.host|raw}}:{{zookeeper.secure_port|raw}} \
#     --create --topic test --partitions 1 --replication-factor {{offsets.replication_factor|raw}}
# Clients of the brokers use the SASL_SSL listener (Kafka 2.3.0's producer
# takes --broker-list, not --bootstrap-server):
#   {{kafka_top|raw}}/bin/kafka-console-producer.sh --broker-list {{broker|raw}}:{{broker_port|raw}} \
#     --topic test --producer.config producer.config
#   {{kafka_top|raw}}/bin/kafka-console-consumer.sh --bootstrap-server {{broker|raw}}:{{broker_port|raw}} \
#     --topic test --from-beginning --consumer.config consumer.config
