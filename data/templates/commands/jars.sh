#@ head

# --- jars: unpack both releases, then switch Kafka from its ZooKeeper 3.4
# client, which cannot speak TLS, to ZooKeeper 3.5's jars.
tar -xzf downloads/{{kafka_archive|raw}}
tar -xzf downloads/{{zookeeper_archive|raw}}
#@ remove
# The article removes it (rm -v); here it is kept, outside {{kafka_libdir|raw}}/: Kafka puts
# every jar in {{kafka_libdir|raw}}/ on its classpath.
mkdir -p {{removed|raw}}
mv -v {{kafka_top|raw}}/{{kafka_libdir|raw}}/{{jar|raw}} {{removed|raw}}/
# The new client, its jute, Netty (its TLS transport) and commons-cli (for
# CLI clients such as zookeeper-shell.sh):
#@ find
# {{kafka_top|raw}} is not in the release catalog: swap only a ZooKeeper client older
# than {{tls_since|raw}}, found by looking into {{kafka_libdir|raw}}/.
set -- {{kafka_top|raw}}/{{kafka_libdir|raw}}/zookeeper-[0-9]*.jar
case ${1##*/} in
zookeeper-3.[0-4].*)
mkdir -p {{removed|raw}}
mv -v "$@" {{removed|raw}}/
#@ copy
cp -av {{zookeeper_top|raw}}/{{zookeeper_libdir|raw}}/{{jar|raw}} {{kafka_top|raw}}/{{kafka_libdir|raw}}/
#@ find_end
;;
esac
#@ none
# Kafka {{version|raw}} ships {{jar|raw}}, which speaks TLS: no jars to swap.
