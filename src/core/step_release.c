/* The steps that fetch and unpack the releases: download, jars. */
#include <config.h>

#include <stddef.h>

#include "i18n.h"
#include "steps.h"

static const char *const download_keys[] = {
	"kafka.version", "kafka.scala", "zookeeper.version", "kafka.sha512", "zookeeper.sha512",
	NULL,
};
static const char *const jars_keys[] = { NULL };
const struct step step_download = {
	.id = "download",
	.title = N_("Download"),
	.explain = N_("Fetches the Kafka and ZooKeeper release archives and checks their "
		      "SHA-512 against the official checksum files."),
	.keys = download_keys,
	.built = false,
};

const struct step step_jars = {
	.id = "jars",
	.title = N_("Swap jars"),
	.explain = N_("Unpacks both releases and replaces Kafka's ZooKeeper 3.4 client jar by "
		      "ZooKeeper 3.5's jars, which can speak TLS."),
	.keys = jars_keys,
	.built = false,
};
